package io.recoflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InteractionsTest {

    @Test
    void historyIsDistinctItemsByLastPurchaseNewestFirstWithCounts() {
        Interactions in = Interactions.of(List.of(
                new Interaction("u", "A", 100, 1),
                new Interaction("u", "B", 200, 1),
                new Interaction("u", "A", 300, 1), // A bought again after B: A is newer
                new Interaction("u", "C", 50, 1),
                new Interaction("u", "D", 300, 1), // same time as A: ties go by item index
                new Interaction("v", "C", 400, 1)));
        Interactions.History h = in.history(in.userIndex().get("u"));
        int a = in.itemIndex().get("A");
        int b = in.itemIndex().get("B");
        int c = in.itemIndex().get("C");
        int d = in.itemIndex().get("D");
        assertThat(h.items()).containsExactly(a, d, b, c);
        assertThat(h.counts()).containsExactly(2f, 1f, 1f, 1f);
        assertThat(in.history(in.userIndex().get("v")).items()).containsExactly(c);
    }
}
