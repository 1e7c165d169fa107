package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The very first version of a model whose pods never get ready: after the progress deadline the model is Failed,
 * and its status never claims a version serves (the SERVING column of `kubectl get rm` stays empty). Pods that
 * come up after all are picked up without any edit.
 */
class FirstDeploymentDeadlineTest extends OperatorHarness {

    @Test
    void firstVersionThatNeverBecomesAvailableFailsWithoutClaimingToServe() throws Exception {
        healthy = d -> false;
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 60));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        RecommendationModel deploying = await(Duration.ofSeconds(30), () -> rm("retail-recs"),
                r -> r.getStatus() != null && r.getStatus().phase == ModelPhase.Deploying);
        assertThat(deploying.getStatus().servingVersion).isNull();
        assertThat(deploying.getStatus().candidateVersion).isEqualTo(1L);

        clock.advance(Duration.ofSeconds(61));
        RecommendationModel rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.Failed);
        assertThat(rm.getStatus().servingVersion).as("SERVING column").isNull();
        assertThat(rm.getStatus().servingUri).isNull();
        assertThat(rm.getStatus().endpoints).isNullOrEmpty();
        assertThat(rm.getStatus().candidateVersion).isEqualTo(1L);
        assertThat(rm.getStatus().lastStableVersion).isNull();
        Condition ready = Conditions.get(rm.getStatus().conditions, Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("ProgressDeadlineExceeded");
        assertThat(ready.getMessage()).contains("60s");
        Condition progressing = Conditions.get(rm.getStatus().conditions, Conditions.PROGRESSING).orElseThrow();
        assertThat(progressing.getStatus()).as("Progressing: %s", progressing).isEqualTo("False");
        assertThat(progressing.getReason()).isEqualTo("ProgressDeadlineExceeded");
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.DEGRADED)).isTrue();
        awaitEvent("retail-recs", "Warning", "ProgressDeadlineExceeded");
        var mv = await(Duration.ofSeconds(30), () -> mv("retail-recs-v1"), m -> m.getStatus() != null
                && m.getStatus().message != null && m.getStatus().message.contains("did not become available"));
        assertThat(mv.getStatus().phase).isNotEqualTo(VersionPhase.Serving);

        // the pods come up after all (the image pull finally worked): served, no edit needed
        healthy = d -> true;
        rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm.getStatus().candidateVersion).isNull();
        assertThat(rm.getStatus().lastStableVersion).isEqualTo(1L);
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.PROGRESSING)).isFalse();
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.DEGRADED)).isFalse();
        await(Duration.ofSeconds(30), () -> mv("retail-recs-v1"), m -> m.getStatus().phase == VersionPhase.Serving);
    }
}
