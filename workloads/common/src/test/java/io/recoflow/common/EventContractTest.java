package io.recoflow.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventContractTest {
    private final ObjectMapper json = Json.mapper();
    private final Instant now = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void eventRoundTripsThroughJsonWithWireNames() throws Exception {
        Event e = new Event("e-1", EventType.ADD_TO_CART, "17850", "85123A", now, "exp1", "B", null);
        String text = json.writeValueAsString(e);
        assertThat(text).contains("\"type\":\"add_to_cart\"").contains("\"timestamp\":\"2026-11-25T10:00:00Z\"")
                .doesNotContain("modelVersion");
        assertThat(json.readValue(text, Event.class)).isEqualTo(e);
    }

    @Test
    void unknownTypeIsRejectedWithItsName() {
        assertThatThrownBy(() -> json.readValue(
                "{\"eventId\":\"x\",\"type\":\"teleport\",\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":\"2026-11-25T10:00:00Z\"}",
                Event.class)).hasMessageContaining("teleport");
    }

    @Test
    void validatorNamesEveryViolation() {
        Event bad = new Event("", null, "u".repeat(200), "bad item", now.plusSeconds(7200), null, "x".repeat(65), null);
        List<String> errors = EventValidator.validate(bad, now);
        assertThat(errors).hasSize(6).anyMatch(s -> s.startsWith("eventId"))
                .anyMatch(s -> s.startsWith("type")).anyMatch(s -> s.startsWith("userId"))
                .anyMatch(s -> s.startsWith("itemId")).anyMatch(s -> s.startsWith("timestamp"))
                .anyMatch(s -> s.startsWith("variant"));
        assertThat(EventValidator.validate(new Event("e", EventType.VIEW, "17850", "85123A", now, null, null, null), now))
                .isEmpty();
    }

    @Test
    void metadataRoundTrips(@TempDir Path dir) throws Exception {
        ModelMetadata m = new ModelMetadata("ease", 3, Map.of("lambda", 250.0), "abc", List.of("A", "B"), false,
                Map.of("ndcg@10", 0.1), now);
        m.write(dir);
        assertThat(dir.resolve("assets.extra/metadata.json")).exists();
        assertThat(ModelMetadata.read(dir)).isEqualTo(m);
    }
}
