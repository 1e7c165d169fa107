package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.argocd.LuaHealth;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD health checks (argocd/resource_customizations, run on lua5.1) judge the status objects the operator
 * itself writes through a whole lifecycle, not only hand-written testdata.
 */
class ArgoHealthTest extends OperatorHarness {

    static LuaHealth.Verdict health(HasMetadata resource) {
        return LuaHealth.evaluate(LuaHealth.script(REPO, resource), resource);
    }

    @Test
    void argoCdSeesProgressThenHealthThenDegradationAsTheOperatorReportsIt() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.34);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        // no production version yet: waiting for a person, not for the operator
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Pending);
        assertThat(health(rm("retail-recs")).status()).isEqualTo("Suspended");

        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        RecommendationModel serving = await(Duration.ofSeconds(20), () -> rm("retail-recs"), r ->
                r.getStatus().phase == ModelPhase.Serving && Conditions.isTrue(r.getStatus().conditions,
                        Conditions.READY));
        assertThat(health(serving).status()).isEqualTo("Healthy");
        await(Duration.ofSeconds(10), () -> mv("retail-recs-v2"), m -> m.getStatus() != null
                && m.getStatus().phase == VersionPhase.Ready);
        assertThat(health(mv("retail-recs-v1")).status()).isEqualTo("Healthy");
        assertThat(health(mv("retail-recs-v2")).status()).isEqualTo("Healthy");

        // a spec edit the operator has not observed yet is Progressing, whatever the old status says
        RecommendationModel stale = rm("retail-recs");
        stale.getMetadata().setGeneration(stale.getMetadata().getGeneration() + 1);
        assertThat(health(stale).status()).isEqualTo("Progressing");

        // the candidate's pods never get ready
        healthy = d -> !configMap(d.getMetadata().getName()).getData().get("models.config").contains("versions: 2");
        promote("retail-recs-v2");
        RecommendationModel rolling = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.RollingOut);
        LuaHealth.Verdict v = health(rolling);
        assertThat(v.status()).isEqualTo("Progressing");
        assertThat(v.message()).contains("10%");
        assertThat(health(mv("retail-recs-v2")).status()).isEqualTo("Progressing");

        // an invalid edit (the mock does not evaluate CEL): Degraded with the operator's message
        editModel("retail-recs", r -> {
            r.getSpec().autoscaling.minReplicas = 8;
            r.getSpec().autoscaling.maxReplicas = 3;
        });
        RecommendationModel invalid = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> Conditions.hasReason(r.getStatus().conditions, Conditions.READY,
                        io.recoflow.operator.core.Reason.InvalidSpec)
                        && r.getStatus().observedGeneration.equals(r.getMetadata().getGeneration()));
        v = health(invalid);
        assertThat(v.status()).isEqualTo("Degraded");
        assertThat(v.message()).contains("minReplicas must be <= maxReplicas");

        // the deadline passes: rolled back although the spec is invalid (the last valid one is reconciled)
        advanceUntil(Duration.ofSeconds(10), Duration.ofSeconds(400),
                () -> rm("retail-recs").getStatus().phase == ModelPhase.RolledBack);
        editModel("retail-recs", r -> {
            r.getSpec().autoscaling.maxReplicas = 10;
            r.getSpec().autoscaling.minReplicas = 2;
        });
        RecommendationModel back = await(Duration.ofSeconds(20), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.RolledBack
                        && !Conditions.hasReason(r.getStatus().conditions, Conditions.READY,
                                io.recoflow.operator.core.Reason.InvalidSpec)
                        && r.getStatus().observedGeneration.equals(r.getMetadata().getGeneration()));
        assertThat(health(back).status()).isEqualTo("Degraded");
        assertThat(health(mv("retail-recs-v2")).status()).isEqualTo("Degraded");
        assertThat(health(mv("retail-recs-v1")).status()).isEqualTo("Healthy");
    }
}
