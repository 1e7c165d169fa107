package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.model.DeploymentRenderer;
import io.recoflow.operator.model.RecommendationModelReconciler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * While autoscaling is on the HPA owns the Deployment's replicas; once it is turned off the HPA goes and the
 * spec's fixed count applies, whatever the HPA had scaled to.
 */
class AutoscalingTurnedOffTest extends OperatorHarness {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    MeterRegistry meters() {
        return registry;
    }

    @Test
    void turningAutoscalingOffDeletesTheHpaAndAppliesTheFixedReplicas() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120)); // autoscaling 2..10
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(deployment("retail-recs-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(hpa()).isNotNull();

        // the HPA scales up (the test plays it): the operator leaves the count alone
        // (through the main resource: the CRUD mock has no scale subresource)
        client.apps().deployments().inNamespace(NS).withName("retail-recs-blue").edit(d -> {
            d.getSpec().setReplicas(5);
            return d;
        });
        await(Duration.ofSeconds(30), () -> deployment("retail-recs-blue"), d -> d.getSpec().getReplicas() == 5
                && d.getStatus() != null && Integer.valueOf(5).equals(d.getStatus().getAvailableReplicas()));
        reconcileWithNothingToDo();
        assertThat(deployment("retail-recs-blue").getSpec().getReplicas()).isEqualTo(5);

        editModel("retail-recs", r -> {
            r.getSpec().autoscaling = null;
            r.getSpec().replicas = 3;
        });
        await(Duration.ofSeconds(30), () -> hpa() == null, gone -> gone);
        Deployment d = await(Duration.ofSeconds(30), () -> deployment("retail-recs-blue"),
                x -> x.getSpec().getReplicas() == 3);
        assertThat(d.getMetadata().getAnnotations()).doesNotContainKey(DeploymentRenderer.HPA_OWNED);
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus().observedGeneration
                .equals(r.getMetadata().getGeneration()) && Conditions.isTrue(r.getStatus().conditions,
                Conditions.READY));
        // and it stays 3: the operator now owns the count
        reconcileWithNothingToDo();
        assertThat(deployment("retail-recs-blue").getSpec().getReplicas()).isEqualTo(3);
        assertThat(cluster.requests()).extracting(r -> r.rule())
                .containsOnlyOnce("autoscaling/horizontalpodautoscalers:delete");
    }

    /** Wakes the model and waits until that reconcile has finished (and written whatever it was going to). */
    private void reconcileWithNothingToDo() {
        long before = reconciles(registry, RecommendationModelReconciler.NAME);
        touchDeployment("retail-recs-blue");
        await(Duration.ofSeconds(30), () -> reconciles(registry, RecommendationModelReconciler.NAME),
                n -> n > before);
    }

    private io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler hpa() {
        return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("retail-recs").get();
    }
}
