package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.recommend.model.EmbeddedModel;
import io.recoflow.recommend.model.Scores;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestModelsTest {
    @TempDir
    Path dir;

    @Test
    void savedModelScoresHistoryThroughTheSignature() throws Exception {
        Path v = TestModels.write(dir, 1, List.of("A", "B", "C", "D"), TestModels.chain(4), true);
        try (EmbeddedModel m = new EmbeddedModel(v)) {
            Scores s = m.score(new int[] {0}, 2);
            assertThat(s.indices()).containsExactly(1, 0);
            assertThat(s.scores()).containsExactly(1f, 0.5f);
            Scores empty = m.score(new int[0], 3);
            assertThat(empty.indices()).hasSize(3);
        }
    }
}
