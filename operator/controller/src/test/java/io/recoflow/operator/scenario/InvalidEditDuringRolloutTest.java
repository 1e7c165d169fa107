package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An invalid edit in the middle of a canary (one the API server let through: the mock, like an old cluster, does
 * not evaluate CEL) is flagged, and the rollout goes on with the last valid spec: its deadline still passes, and a
 * candidate that never gets ready is still rolled back.
 */
class InvalidEditDuringRolloutTest extends OperatorHarness {

    @Test
    void invalidEditDuringCanaryDoesNotStopTheRollback() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.12);
        // pods of a slot that loads version 2 never get ready
        healthy = d -> !configMap(d.getMetadata().getName()).getData().get("models.config").contains("versions: 2");
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving);
        promote("retail-recs-v2");
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut
                && Long.valueOf(2).equals(r.getStatus().candidateVersion));

        var edited = editModel("retail-recs", r -> {
            r.getSpec().autoscaling.minReplicas = 8;
            r.getSpec().autoscaling.maxReplicas = 3;
        });
        var rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> edited.getMetadata().getGeneration()
                .equals(r.getStatus().observedGeneration) && reason(r, Conditions.READY).equals("InvalidSpec"));
        assertThat(rm.getStatus().phase).isEqualTo(ModelPhase.RollingOut);
        awaitEvent("retail-recs", "Warning", "InvalidSpec");

        clock.advance(Duration.ofSeconds(121));
        rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RolledBack);
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm.getStatus().lastFailedVersion).isEqualTo(2L);
        assertThat(rm.getStatus().candidateVersion).isNull();
        Condition degraded = Conditions.get(rm.getStatus().conditions, Conditions.DEGRADED).orElseThrow();
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("RolledBack");
        Condition ready = Conditions.get(rm.getStatus().conditions, Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("minReplicas must be <= maxReplicas");
        assertThat(configMap("retail-recs-blue").getData().get("models.config"))
                .contains("versions: 1").doesNotContain("versions: 2");
        awaitEvent("retail-recs", "Warning", "RolledBack");
        // nothing was rendered from the invalid spec
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("retail-recs")
                .get().getSpec().getMinReplicas()).isEqualTo(2);

        editModel("retail-recs", r -> r.getSpec().autoscaling.maxReplicas = 12);
        rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> reason(r, Conditions.READY).equals("Serving")
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(rm.getStatus().phase).isEqualTo(ModelPhase.RolledBack);
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        await(Duration.ofSeconds(30), () -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS)
                .withName("retail-recs").get(), h -> h.getSpec().getMinReplicas() == 8);
        awaitEvent("retail-recs", "Normal", "SpecValid");
    }

    private static String reason(io.recoflow.operator.api.RecommendationModel r, String type) {
        return r.getStatus() == null ? "" : Conditions.get(r.getStatus().conditions, type)
                .map(c -> String.valueOf(c.getReason())).orElse("");
    }
}
