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
    void anImpressionCarriesTheWholeShownListAndOnlyAnImpressionMay() throws Exception {
        Event shown = new Event("e-2", EventType.REC_IMPRESSION, "17850", "85123A", now, "exp1", "B", "7",
                List.of("85123A", "22423", "47566"));
        String text = json.writeValueAsString(shown);
        assertThat(text).contains("\"items\":[\"85123A\",\"22423\",\"47566\"]");
        assertThat(json.readValue(text, Event.class)).isEqualTo(shown);
        assertThat(EventValidator.validate(shown, now)).isEmpty();
        assertThat(shown.shownItems()).containsExactly("85123A", "22423", "47566");
        assertThat(new Event("e", EventType.VIEW, "u", "A", now, null, null, null).shownItems()).containsExactly("A");

        assertThat(EventValidator.validate(new Event("e", EventType.VIEW, "u", "A", now, null, null, null,
                List.of("A")), now)).containsExactly("items is only allowed on rec_impression");
        assertThat(EventValidator.validate(new Event("e", EventType.REC_IMPRESSION, "u", "B", now, null, null, null,
                List.of("A", "bad item")), now)).containsExactlyInAnyOrder(
                "items[1] has characters outside [A-Za-z0-9._:@/-]", "itemId must be the first entry of items");
        assertThat(EventValidator.validate(new Event("e", EventType.REC_IMPRESSION, "u", "A", now, null, null, null,
                java.util.Collections.nCopies(101, "A")), now)).containsExactly("items must hold 1..100 item ids");
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
