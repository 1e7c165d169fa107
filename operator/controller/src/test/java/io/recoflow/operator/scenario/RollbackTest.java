package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RollbackTest extends OperatorHarness {

    @Test
    void versionThatNeverBecomesReadyIsRolledBackToTheLastStableOne() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.12);
        // pods of a slot that loads version 2 never get ready (e.g. the SavedModel does not load)
        healthy = d -> !configMap(d.getMetadata().getName()).getData().get("models.config").contains("versions: 2");
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving);

        promote("retail-recs-v2");
        await(Duration.ofSeconds(10), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut);
        assertThat(configMap("retail-recs-blue").getData().get("models.config")).contains("versions: 2");
        // the update is stuck but the old pods keep serving version 1: still Ready
        await(Duration.ofSeconds(10), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));

        clock.advance(Duration.ofSeconds(60));
        Thread.sleep(500);
        assertThat(rm("retail-recs").getStatus().phase).isEqualTo(ModelPhase.RollingOut);

        clock.advance(Duration.ofSeconds(61));
        var rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.RolledBack);
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm.getStatus().candidateVersion).isNull();
        assertThat(rm.getStatus().lastFailedVersion).isEqualTo(2L);
        assertThat(rm.getStatus().lastStableVersion).isEqualTo(1L);
        assertThat(Conditions.get(rm.getStatus().conditions, Conditions.DEGRADED).orElseThrow())
                .satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("True");
                    assertThat(c.getReason()).isEqualTo("RolledBack");
                });
        assertThat(configMap("retail-recs-blue").getData().get("models.config"))
                .contains("versions: 1").doesNotContain("versions: 2");
        awaitEvent("retail-recs", "Warning", "RolledBack");

        var mv = await(Duration.ofSeconds(10), () -> mv("retail-recs-v2"),
                m -> m.getStatus().phase == VersionPhase.RolledBack);
        assertThat(mv.getSpec().stage).isEqualTo(Stage.PRODUCTION);
        awaitEvent("retail-recs-v2", "Warning", "RolledBack");

        // the restored version is available again, and the failed one is not retried on its own
        await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        clock.advance(Duration.ofSeconds(600));
        Thread.sleep(500);
        assertThat(rm("retail-recs").getStatus().phase).isEqualTo(ModelPhase.RolledBack);
        assertThat(rm("retail-recs").getStatus().candidateVersion).isNull();
    }
}
