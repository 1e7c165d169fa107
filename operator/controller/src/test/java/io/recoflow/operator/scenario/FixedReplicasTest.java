package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.model.RecommendationModelReconciler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A model with fixed replicas has no HPA, and the operator knows that from its cache: it does not send a DELETE
 * for an HPA that is not there on every reconcile (one 404 per reconcile per model).
 */
class FixedReplicasTest extends OperatorHarness {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    MeterRegistry meters() {
        return registry;
    }

    @Test
    void modelWithoutAutoscalingNeverDeletesWhatItDoesNotHave() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        RecommendationModel model = Fixtures.model("retail-recs", Strategy.CANARY, 120);
        model.getSpec().autoscaling = null;
        model.getSpec().replicas = 3;
        create(model);
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(deployment("retail-recs-blue").getSpec().getReplicas()).isEqualTo(3);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).list().getItems()).isEmpty();

        // a few more reconciles with nothing to do
        for (int i = 0; i < 3; i++) {
            long before = reconciles(registry, RecommendationModelReconciler.NAME);
            touchDeployment("retail-recs-blue");
            await(Duration.ofSeconds(30), () -> reconciles(registry, RecommendationModelReconciler.NAME),
                    n -> n > before);
        }
        assertThat(reconciles(registry, RecommendationModelReconciler.NAME)).isGreaterThanOrEqualTo(5);
        assertThat(cluster.requests()).extracting(r -> r.rule())
                .doesNotContain("autoscaling/horizontalpodautoscalers:delete")
                .noneMatch(rule -> rule.endsWith(":delete"));
    }
}
