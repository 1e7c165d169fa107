package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerItemTest {
    final Instant t = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void aListImpressionBecomesOneEventPerShownItemWithStableIds() {
        Event shown = new Event("imp-1", EventType.REC_IMPRESSION, "u", "A", t, "exp", "B", "7", List.of("A", "B", "C"));
        assertThat(EventsListener.perItem(shown)).containsExactly(
                new Event("imp-1#0", EventType.REC_IMPRESSION, "u", "A", t, "exp", "B", "7"),
                new Event("imp-1#1", EventType.REC_IMPRESSION, "u", "B", t, "exp", "B", "7"),
                new Event("imp-1#2", EventType.REC_IMPRESSION, "u", "C", t, "exp", "B", "7"));
        // a redelivery derives the same ids, so the dedup markers still apply
        assertThat(EventsListener.perItem(shown)).isEqualTo(EventsListener.perItem(shown));
    }

    @Test
    void anyOtherEventIsItself() {
        Event view = new Event("v-1", EventType.VIEW, "u", "A", t, null, null, null);
        assertThat(EventsListener.perItem(view)).containsExactly(view);
    }
}
