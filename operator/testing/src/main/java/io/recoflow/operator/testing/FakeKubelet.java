package io.recoflow.operator.testing;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Stands in for the Deployment controller and kubelet of a real cluster: marks managed Deployments available
 * (all replicas updated, ready, available at the current generation) when {@code healthy} says their pods
 * would start. A Deployment it refuses stays unavailable, which is how a bad model version looks to the operator.
 */
public final class FakeKubelet implements AutoCloseable {
    private final KubernetesClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-kubelet");
        t.setDaemon(true);
        return t;
    });
    private volatile Predicate<Deployment> healthy = d -> true;
    /** Deployments that once had ready pods: during a stuck rolling update their old pods keep serving. */
    private final java.util.Set<String> wereReady = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FakeKubelet(KubernetesClient client) {
        this.client = client;
    }

    public FakeKubelet healthyWhen(Predicate<Deployment> p) {
        this.healthy = p;
        return this;
    }

    public FakeKubelet start(long periodMillis) {
        timer.scheduleWithFixedDelay(this::tick, 0, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    void tick() {
        try {
            for (Deployment d : client.apps().deployments().inAnyNamespace()
                    .withLabel("app.kubernetes.io/managed-by", "recoflow-operator").list().getItems()) {
                String key = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
                if (available(d)) {
                    continue;
                }
                if (healthy.test(d)) {
                    markAvailable(client, d);
                    wereReady.add(key);
                } else if (wereReady.contains(key) && !stuck(d)) {
                    markStuck(client, d);
                }
            }
        } catch (KubernetesClientException e) {
            // the mock server is going away; nothing to simulate any more
        }
    }

    static boolean available(Deployment d) {
        var s = d.getStatus();
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return s != null && Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration())
                && Objects.equals(s.getAvailableReplicas(), want);
    }

    private static boolean stuck(Deployment d) {
        var s = d.getStatus();
        return s != null && Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration());
    }

    /** A rolling update whose new pods never get ready: maxUnavailable 0 keeps the old ones serving. */
    static void markStuck(KubernetesClient client, Deployment d) {
        int n = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        d.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(n + 1).withUpdatedReplicas(1).withReadyReplicas(n).withAvailableReplicas(n)
                .withUnavailableReplicas(1)
                .addNewCondition().withType("Progressing").withStatus("True").withReason("ReplicaSetUpdated")
                .endCondition()
                .build());
        client.resource(d).updateStatus();
    }

    public static void markAvailable(KubernetesClient client, Deployment d) {
        int n = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        d.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(n).withUpdatedReplicas(n).withReadyReplicas(n).withAvailableReplicas(n)
                .addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable")
                .endCondition()
                .build());
        client.resource(d).updateStatus();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
