package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.common.ModelMetadata;
import io.recoflow.recommend.features.UserFeatures;
import io.recoflow.recommend.model.LoadedModel;
import io.recoflow.recommend.model.ScoringModel;
import io.recoflow.recommend.model.Scores;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model input built from the online features: the trainer's convention, an item repeated once per purchase. */
class HistoryTest {
    static final ScoringModel NONE = new ScoringModel() {
        @Override
        public Scores score(int[] history, int k) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    };
    static final LoadedModel MODEL = new LoadedModel(1, new ModelMetadata("repeat", 1, Map.of(), "",
            List.of("A", "B", "C", "D"), false, Map.of(), Instant.now()), NONE);

    @Test
    void repeatsEachItemOncePerPurchaseNewestFirstThenOlderPurchases() {
        UserFeatures f = new UserFeatures(List.of("C", "A", "UNKNOWN"), new LinkedHashSet<>(List.of("A", "D")),
                Map.of("A", 3, "D", 2));
        // C viewed only (1), A bought 3 times, the unknown item dropped, D bought twice but no longer recent
        assertThat(RecommendService.history(MODEL, f)).containsExactly(2, 0, 0, 0, 3, 3);
    }

    @Test
    void capsACountAndTreatsAMissingCountAsOne() {
        UserFeatures f = new UserFeatures(List.of("B"), new LinkedHashSet<>(List.of("B", "C")), Map.of("B", 500));
        int[] h = RecommendService.history(MODEL, f);
        assertThat(h).hasSize(RecommendService.MAX_COUNT + 1);
        assertThat(h[h.length - 1]).isEqualTo(2);
    }
}
