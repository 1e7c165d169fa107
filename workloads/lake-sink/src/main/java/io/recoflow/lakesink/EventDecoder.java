package io.recoflow.lakesink;

import com.fasterxml.jackson.databind.ObjectReader;
import io.recoflow.common.Event;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Record value bytes to a valid {@link Event} (data binding straight into the record, no JSON tree), or
 * {@link PoisonEventException}. The schema rules are {@link EventValidator}'s; its clock-skew rule is not applied,
 * because the collector already enforced it and it would make a replay decide differently from the first attempt.
 */
final class EventDecoder {
    private static final ObjectReader READER = Json.mapper().readerFor(Event.class);
    /** "now" for the validator: far enough that no timestamp is in its future. */
    private static final Instant NO_SKEW_CHECK = Instant.parse("9999-01-01T00:00:00Z");

    Event decode(byte[] value) {
        if (value == null) {
            throw new PoisonEventException("record has no value");
        }
        Event e;
        try {
            e = READER.readValue(value);
        } catch (IOException ex) {
            // the exception's class only: its message would echo the payload (user and item ids) into the log
            throw new PoisonEventException("value is not an event JSON (" + ex.getClass().getSimpleName() + ")");
        }
        List<String> errors = EventValidator.validate(e, NO_SKEW_CHECK);
        if (!errors.isEmpty()) {
            throw new PoisonEventException("invalid event: " + String.join("; ", errors));
        }
        return e;
    }

    /** A record that can never be written, however often it is replayed. */
    static final class PoisonEventException extends RuntimeException {
        PoisonEventException(String message) {
            super(message);
        }
    }
}
