package io.recoflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    private static final String ID_CHARS = "ABCxyz019._:@/-";

    /** Byte for byte what Jackson writes, for random valid events of every type and shape. */
    @Test
    void writesWhatTheMapperWrites() throws Exception {
        Random random = new Random(7);
        for (int k = 0; k < 5_000; k++) {
            EventType type = EventType.values()[random.nextInt(EventType.values().length)];
            List<String> items = null;
            String item = id(random);
            if (type == EventType.REC_IMPRESSION && random.nextBoolean()) {
                items = new ArrayList<>();
                items.add(item);
                for (int i = random.nextInt(5); i > 0; i--) {
                    items.add(id(random));
                }
            }
            // nanosecond, millisecond and whole-second instants: ISO_INSTANT writes each differently
            Instant at = Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L),
                    switch (random.nextInt(3)) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        default -> random.nextInt(1_000_000_000);
                    });
            Event e = new Event(id(random), type, id(random), item, at, random.nextBoolean() ? id(random) : null,
                    random.nextBoolean() ? id(random) : null, random.nextBoolean() ? id(random) : null, items);
            assertThat(EventValidator.validate(e, Instant.ofEpochSecond(5_000_000_000L))).isEmpty();
            assertThat(new String(EventJson.bytes(e))).isEqualTo(new String(Json.mapper().writeValueAsBytes(e)));
            assertThat(Json.mapper().readValue(EventJson.bytes(e), Event.class)).isEqualTo(e);
        }
    }

    private static String id(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
            b.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return b.toString();
    }
}
