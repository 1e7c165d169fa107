package io.recoflow.recommend.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.recommend.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java fast path against the SavedModel it was read from: same items and scores, TF's tie order. */
class ItemItemModelTest {
    @TempDir
    Path dir;

    @Test
    void givesTheGraphsAnswersFromTheGraphsVariables() throws Exception {
        int n = 300;
        Random r = new Random(7);
        List<String> items = new ArrayList<>();
        float[][] w = new float[n][n];
        float[] pop = new float[n];
        for (int i = 0; i < n; i++) {
            items.add("I" + i);
            pop[i] = (i % 10) / 10f; // many ties: TF breaks them to the lower index
            for (int j = 0; j < n; j++) {
                w[i][j] = r.nextInt(4) == 0 ? r.nextFloat() : 0f;
            }
        }
        Path v = TestModels.writeItemItem(dir, 1, items, w, pop);
        try (EmbeddedModel tf = new EmbeddedModel(v)) {
            ItemItemModel java = ItemItemModel.from(tf.bundle(), n).orElseThrow();
            assertThat(ModelRegistry.mismatch(tf, java, n)).isNull();
            for (int[] h : new int[][] {{}, {3}, {3, 3, 5}, {0, 299, 150, 7}}) {
                Scores a = tf.score(h, 25);
                Scores b = java.score(h, 25);
                assertThat(b.indices()).containsExactly(a.indices());
                assertThat(b.scores()).containsExactly(a.scores());
            }
            // an empty history is popularity, ties to the lower index
            assertThat(java.score(new int[0], 3).indices()).containsExactly(9, 19, 29);
        }
    }

    @Test
    void otherGraphsStayOnTensorFlow() throws Exception {
        Path v = TestModels.write(dir, 2, List.of("A", "B", "C"), TestModels.chain(3), true);
        try (EmbeddedModel tf = new EmbeddedModel(v)) {
            assertThat(ItemItemModel.from(tf.bundle(), 3)).isEmpty();
        }
    }
}
