package io.recoflow.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Slo;
import io.recoflow.operator.model.analysis.Queries;
import io.recoflow.operator.model.rollout.RolloutPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** spec.slo.window is also how long a breach of the serving version must last: read as a duration, checked. */
class SloWindowTest {

    static RecommendationModel model(String window) {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName("retail-recs").build());
        rm.setSpec(new RecommendationModelSpec());
        rm.getSpec().model = "retail-recs";
        rm.getSpec().replicas = 2;
        rm.getSpec().slo = new Slo();
        rm.getSpec().slo.p95LatencyMs = 50;
        rm.getSpec().slo.window = window;
        return rm;
    }

    @Test
    void theWindowIsTheWatchDurationDefaultOneMinute() {
        assertThat(Queries.duration("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Queries.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Queries.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(RolloutPolicy.of(null, null).window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(RolloutPolicy.of(null, model("10s").getSpec().slo).window()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aWindowTheCrdWouldRejectIsAnInvalidSpec() {
        assertThat(ModelValidator.INSTANCE.validate(model("30s"))).isEmpty();
        assertThat(ModelValidator.INSTANCE.validate(model(null))).isEmpty();
        for (String bad : new String[] {"0s", "1d", "m", "90"}) {
            assertThat(ModelValidator.INSTANCE.validate(model(bad))).as(bad)
                    .containsExactly("spec.slo.window: a positive number with s, m or h, e.g. 1m");
        }
    }
}
