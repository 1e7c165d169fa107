package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.common.contract.ServingConfig;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PromotionTest extends OperatorHarness {

    @Test
    void canaryStepsThroughWeightsWithPausesThenServesTheNewVersion() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.34);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 300));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == 1);
        await(Duration.ofSeconds(10), () -> mv("retail-recs-v2"),
                m -> m.getStatus() != null && m.getStatus().phase == VersionPhase.Ready);
        RecommendationModel before = rm("retail-recs");

        promote("retail-recs-v2");

        // step 1: 10%, both versions loaded by path, labelled stable/canary
        RecommendationModel rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"), r ->
                r.getStatus().phase == ModelPhase.RollingOut && Integer.valueOf(10).equals(r.getStatus().canaryWeight)
                        && r.getStatus().stepReadyAt != null);
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm.getStatus().candidateVersion).isEqualTo(2L);
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.PROGRESSING)).isTrue();
        var data = configMap("retail-recs-blue").getData();
        assertThat(data.get("models.config")).contains("versions: 1", "versions: 2", "key: \"canary\"\n      value: 2",
                "key: \"stable\"\n      value: 1");
        assertThat(ServingConfig.parse(data.get("serving.json"))).isEqualTo(new ServingConfig("retail-recs",
                "tensorflow-serving", "http://retail-recs.recs.svc:8501", 1, 2L, 10, java.util.List.of(1L, 2L)));
        assertThat(mv("retail-recs-v2").getStatus().phase).isEqualTo(VersionPhase.RollingOut);

        // the pause holds the step until the clock passes it
        clock.advance(Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(rm("retail-recs").getStatus().canaryWeight).isEqualTo(10);

        clock.advance(Duration.ofSeconds(31));
        await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> Integer.valueOf(50).equals(r.getStatus().canaryWeight) && r.getStatus().stepReadyAt != null);
        assertThat(ServingConfig.parse(configMap("retail-recs-blue").getData().get("serving.json")).canaryWeight())
                .isEqualTo(50);
        // clients of TF Serving read the split from a ConfigMap whose name does not follow the slot
        assertThat(ServingConfig.parse(configMap("retail-recs-routing").getData().get("serving.json")).canaryWeight())
                .isEqualTo(50);

        clock.advance(Duration.ofSeconds(61));
        await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> Integer.valueOf(100).equals(r.getStatus().canaryWeight) && r.getStatus().stepReadyAt != null);

        clock.advance(Duration.ofSeconds(31));
        rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.Serving
                && r.getStatus().servingVersion == 2 && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(rm.getStatus().candidateVersion).isNull();
        assertThat(rm.getStatus().canaryWeight).isNull();
        assertThat(rm.getStatus().lastStableVersion).isEqualTo(2L);
        assertThat(rm.getStatus().lastStableSpec.version).isEqualTo(2L);
        assertThat(configMap("retail-recs-blue").getData().get("models.config"))
                .contains("versions: 2").doesNotContain("versions: 1").doesNotContain("canary");
        await(Duration.ofSeconds(10), () -> mv("retail-recs-v2"), m -> m.getStatus().phase == VersionPhase.Serving);
        await(Duration.ofSeconds(10), () -> mv("retail-recs-v1"), m -> m.getStatus().phase == VersionPhase.Ready);

        awaitEvent("retail-recs", "Normal", "Promoted");
        assertThat(events("retail-recs")).extracting(e -> e.getReason())
                .contains("RolloutStarted", "CanaryStep", "Promoted");
        assertThat(events("retail-recs")).filteredOn(e -> "CanaryStep".equals(e.getReason())).hasSize(2);

        // GitOps safety: the operator wrote status only
        assertThat(rm.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(Serialization.asJson(rm.getSpec())).isEqualTo(Serialization.asJson(before.getSpec()));
        var v2 = mv("retail-recs-v2");
        assertThat(v2.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(v2.getSpec().stage).isEqualTo(Stage.PRODUCTION);
        assertThat(v2.getStatus().observedGeneration).isEqualTo(2L);
    }
}
