package io.recoflow.featureworker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.common.Event;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/** Record value bytes to a valid {@link Event}, or {@link PoisonEventException} (never retried: goes to the DLT). */
final class EventDecoder {
    private static final ObjectMapper MAPPER = Json.mapper();

    private final Clock clock;

    EventDecoder(Clock clock) {
        this.clock = clock;
    }

    Event decode(byte[] value) {
        if (value == null) {
            throw new PoisonEventException("record has no value");
        }
        Event e;
        try {
            e = MAPPER.readValue(value, Event.class);
        } catch (IOException ex) {
            // The exception's class only: its message would echo the payload (user and item ids) into headers/logs.
            throw new PoisonEventException("value is not an event JSON (" + ex.getClass().getSimpleName() + ")");
        }
        List<String> errors = EventValidator.validate(e, clock.instant());
        if (!errors.isEmpty()) {
            throw new PoisonEventException("invalid event: " + String.join("; ", errors));
        }
        return e;
    }

    /** A record that can never be applied, however often it is retried. */
    static final class PoisonEventException extends RuntimeException {
        PoisonEventException(String message) {
            super(message);
        }
    }
}
