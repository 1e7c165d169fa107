package io.recoflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void bestFirstTiesToLowerIndexAndExclusions() {
        float[] s = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f};
        assertThat(TopK.select(s, 3, null)).containsExactly(1, 4, 0);
        BitSet ex = new BitSet();
        ex.set(1);
        assertThat(TopK.select(s, 10, ex)).containsExactly(4, 0, 2, 3);
    }

    @Test
    void agreesWithAFullSort() {
        Random r = new Random(3);
        float[] s = new float[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextInt(50) / 7f;
        }
        int[] expected = IntStream.range(0, s.length).boxed()
                .sorted((a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b))
                .limit(25).mapToInt(Integer::intValue).toArray();
        assertThat(TopK.select(s, 25, null)).containsExactly(expected);
    }
}
