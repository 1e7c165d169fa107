package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.model.RecommendationModelReconciler;
import io.recoflow.operator.testing.ApiRequest;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Once a model has converged, a reconcile reads everything from informer caches and writes nothing: at 1,000
 * models every Deployment status change wakes one. And because every owned kind has an informer, an owned object
 * that someone deletes is noticed and put back without waiting for a timed re-check.
 */
class SteadyStateTest extends OperatorHarness {
    static final int RECONCILES = 5;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    MeterRegistry meters() {
        return registry;
    }

    @Test
    void convergedModelIsReconciledWithoutRequestsAndDeletedObjectsComeBack() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        awaitEvent("retail-recs", "Normal", "Available");
        // the version's own reconciles (Serving) settle too
        await(Duration.ofSeconds(30), () -> mv("retail-recs-v1"), m -> m.getStatus() != null
                && m.getStatus().phase == io.recoflow.operator.api.status.VersionPhase.Serving);
        awaitQuiet();

        cluster.clearRequests();
        for (int i = 0; i < RECONCILES; i++) {
            long before = reconciles(registry, RecommendationModelReconciler.NAME);
            touchDeployment("retail-recs-blue");
            await(Duration.ofSeconds(30), () -> reconciles(registry, RecommendationModelReconciler.NAME),
                    n -> n > before);
        }
        assertThat(cluster.requests()).as("requests of %d steady-state reconciles (watches aside)", RECONCILES)
                .filteredOn(r -> !r.verb().equals("watch")).isEmpty();

        String uid = rm("retail-recs").getMetadata().getUid();
        recreatedAfterDelete(() -> client.services().inNamespace(NS).withName("retail-recs").get(), uid);
        recreatedAfterDelete(() -> configMap("retail-recs-blue"), uid);
        recreatedAfterDelete(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS)
                .withName("retail-recs").get(), uid);
        assertThat(cluster.requests()).extracting(ApiRequest::rule).contains("/services:create",
                "/configmaps:create", "autoscaling/horizontalpodautoscalers:create");
        assertThat(rm("retail-recs").getStatus().phase).isEqualTo(ModelPhase.Serving);
    }

    /** Deletes the object and waits for a new one (another uid), owned by the model. */
    private <T extends HasMetadata> void recreatedAfterDelete(Supplier<T> get, String ownerUid) {
        T old = get.get();
        assertThat(old).isNotNull();
        client.resource(old).delete();
        T again = await(Duration.ofSeconds(30), get::get, o -> o != null
                && !o.getMetadata().getUid().equals(old.getMetadata().getUid()));
        assertThat(again.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(ownerUid));
    }

    /**
     * Waits until the operator has sent nothing for a second (the last status writes and events after
     * convergence), so that what the loop counts is only what its reconciles send.
     */
    private void awaitQuiet() {
        int[] seen = {-1};
        long[] since = {System.nanoTime()};
        await(Duration.ofSeconds(30), () -> {
            int n = cluster.requests().size();
            if (n != seen[0]) {
                seen[0] = n;
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] > 1_000_000_000L;
        }, quiet -> quiet);
    }
}
