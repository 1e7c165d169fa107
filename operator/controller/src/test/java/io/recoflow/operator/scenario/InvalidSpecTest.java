package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.MlflowSource;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mock API server does not evaluate CEL, like an old cluster: the operator must catch what got through. */
class InvalidSpecTest extends OperatorHarness {

    @Test
    void invalidModelSpecIsFlaggedAndTheLastValidRolloutKeepsServing() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        String deploymentVersion = deployment("retail-recs-blue").getMetadata().getResourceVersion();

        RecommendationModel edited = editModel("retail-recs", r -> {
            r.getSpec().autoscaling.minReplicas = 8;
            r.getSpec().autoscaling.maxReplicas = 3;
            r.getSpec().rollout.steps = List.of(new CanaryStep(50, 0), new CanaryStep(20, 0));
        });

        var rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> r.getStatus().observedGeneration.equals(edited.getMetadata().getGeneration()));
        var ready = Conditions.get(rm.getStatus().conditions, Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("minReplicas must be <= maxReplicas", "strictly increasing");
        assertThat(rm.getStatus().phase).isEqualTo(ModelPhase.Serving);
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        awaitEvent("retail-recs", "Warning", "InvalidSpec");
        // nothing was re-rendered from the bad spec
        assertThat(deployment("retail-recs-blue").getMetadata().getResourceVersion()).isEqualTo(deploymentVersion);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("retail-recs")
                .get().getSpec().getMinReplicas()).isEqualTo(2);

        editModel("retail-recs", r -> {
            r.getSpec().autoscaling.maxReplicas = 12;
            r.getSpec().rollout.steps = List.of(new CanaryStep(20, 0), new CanaryStep(100, 0));
        });
        await(Duration.ofSeconds(10), () -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS)
                .withName("retail-recs").get(), h -> h.getSpec().getMinReplicas() == 8);
        await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
    }

    @Test
    void invalidModelVersionFailsAndIsNeverRolledOut() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving);

        var bad = Fixtures.version("retail-recs", 3, base, Stage.PRODUCTION);
        bad.getSpec().artifact.mlflow = new MlflowSource();
        bad.getSpec().artifact.mlflow.registeredModel = "retail-recs";
        bad.getSpec().artifact.mlflow.version = "3";
        create(bad);
        var mv = await(Duration.ofSeconds(10), () -> mv("retail-recs-v3"),
                m -> m.getStatus() != null && m.getStatus().phase == VersionPhase.Failed);
        assertThat(mv.getStatus().message).contains("set exactly one of mlflow or uri");
        awaitEvent("retail-recs-v3", "Warning", "InvalidSpec");

        var missing = Fixtures.version("retail-recs", 4, base, Stage.PRODUCTION);
        create(missing);
        mv = await(Duration.ofSeconds(10), () -> mv("retail-recs-v4"),
                m -> m.getStatus() != null && m.getStatus().phase == VersionPhase.Failed);
        assertThat(Conditions.get(mv.getStatus().conditions, Conditions.READY).orElseThrow().getReason())
                .isEqualTo("ArtifactNotFound");

        Thread.sleep(500);
        assertThat(rm("retail-recs").getStatus().phase).isEqualTo(ModelPhase.Serving);
        assertThat(rm("retail-recs").getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm("retail-recs").getStatus().candidateVersion).isNull();
    }
}
