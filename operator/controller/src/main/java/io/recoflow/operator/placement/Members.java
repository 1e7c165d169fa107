package io.recoflow.operator.placement;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * The member clusters' API clients by ClusterTarget name; {@code local} is the hub. The one place that turns a
 * ClusterTarget and its kubeconfig Secret into a client, kept by the ClusterTarget controller, read by every kind
 * that places objects in members.
 */
public interface Members {
    /** The member's client; empty while its ClusterTarget or Secret is missing or the kubeconfig is unusable. */
    Optional<KubernetesClient> client(String cluster);

    /** Whether the last probe of the member's API server answered (the hub: always). */
    boolean reachable(String cluster);

    /** Why the member cannot be used or reached, in words; null when it can. */
    String problem(String cluster);

    /** The ClusterTarget's spec.endpoint: where clients reach the member's Services (null: unknown). */
    String endpoint(String cluster);

    /** Called with the cluster's name when its client, reachability or endpoint changed. */
    void onChange(java.util.function.Consumer<String> listener);
}
