package io.recoflow.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static BitSet set(int... items) {
        BitSet b = new BitSet();
        for (int i : items) {
            b.set(i);
        }
        return b;
    }

    @Test
    void hitsAtRanksOneAndThree() {
        // ranked: 5 7 9 2, relevant {5, 9, 11}, k = 4
        Metrics m = Metrics.of(new int[] {5, 7, 9, 2}, set(5, 9, 11), 4);
        assertThat(m.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.precision()).isCloseTo(0.5, within(1e-12));
        assertThat(m.hr()).isEqualTo(1.0);
        assertThat(m.mrr()).isEqualTo(1.0);
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4)
        assertThat(m.ndcg()).isCloseTo(1.5 / (1 + 1 / (Math.log(3) / Math.log(2)) + 0.5), within(1e-12));
        // AP = (1/1 + 2/3) / min(3, 4); |R| <= k, so both MAP conventions agree
        assertThat(m.map()).isCloseTo((1 + 2.0 / 3) / 3, within(1e-12));
        assertThat(m.mapAllRelevant()).isEqualTo(m.map());
    }

    @Test
    void mapDividesByMinOfRelevantAndKOrByAllRelevant() {
        // k = 3, relevant {1, 2, 3, 4, 5}; hits at ranks 1 and 3: precision sum 1/1 + 2/3
        Metrics m = Metrics.of(new int[] {1, 9, 2}, set(1, 2, 3, 4, 5), 3);
        assertThat(m.map()).isCloseTo((1 + 2.0 / 3) / 3, within(1e-12)); // / min(5, 3)
        assertThat(m.mapAllRelevant()).isCloseTo((1 + 2.0 / 3) / 5, within(1e-12)); // / |R|
        Metrics.Mean mean = new Metrics.Mean();
        mean.add(m);
        mean.add(Metrics.of(new int[] {1}, set(1), 1));
        assertThat(mean.mean().mapAllRelevant()).isCloseTo(((1 + 2.0 / 3) / 5 + 1) / 2, within(1e-12));
    }

    @Test
    void missesEverything() {
        Metrics m = Metrics.of(new int[] {1, 2, 3}, set(4), 3);
        assertThat(m).isEqualTo(new Metrics(0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void singleRelevantAtRankTwoAndShortList() {
        // k = 10 but only 2 items ranked; relevant {8} at rank 2
        Metrics m = Metrics.of(new int[] {3, 8}, set(8), 10);
        assertThat(m.recall()).isEqualTo(1.0);
        assertThat(m.precision()).isCloseTo(0.1, within(1e-12));
        assertThat(m.ndcg()).isCloseTo(1 / (Math.log(3) / Math.log(2)), within(1e-12));
        assertThat(m.map()).isCloseTo(0.5, within(1e-12));
        assertThat(m.mrr()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void moreRelevantThanKCapsIdealAndMap() {
        // k = 2, relevant {1,2,3,4}; ranked 1, 2 -> perfect top-2
        Metrics m = Metrics.of(new int[] {1, 2}, set(1, 2, 3, 4), 2);
        assertThat(m.ndcg()).isCloseTo(1.0, within(1e-12));
        assertThat(m.map()).isCloseTo(1.0, within(1e-12));
        assertThat(m.mapAllRelevant()).isCloseTo(0.5, within(1e-12));
        assertThat(m.recall()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void meanAveragesUsers() {
        Metrics.Mean mean = new Metrics.Mean();
        mean.add(Metrics.of(new int[] {1}, set(1), 1));
        mean.add(Metrics.of(new int[] {2}, set(1), 1));
        assertThat(mean.mean().hr()).isEqualTo(0.5);
        assertThat(mean.count()).isEqualTo(2);
    }
}
