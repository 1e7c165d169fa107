package io.recoflow.operator.placement;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.spec.PlacementCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The clusters of a primary's {@code spec.placement} as one reconcile sees them, each with the primary kind's set
 * of objects there ({@code S}: the hub's JOSDK informers, or a member's informers from {@link MemberInformers}),
 * built again only when the member's client changes. The hub alone without a placement. Shared by every kind that
 * places objects in members; what goes into a cluster is the kind's own business.
 *
 * @param <P> the primary kind
 * @param <S> its objects in one cluster
 */
public final class PlacedClusters<P extends HasMetadata, S> {
    /** One cluster of the placement; {@code resources} null while its client cannot be had. */
    public record Cluster<S>(int index, String name, int weight, S resources, String problem, boolean synced) {
        public boolean usable() {
            return resources != null && synced;
        }

        public boolean local() {
            return ClusterTarget.LOCAL.equals(name);
        }
    }

    /** A cluster's objects and the client they were built on (compared by instance). */
    private record Remote<S>(KubernetesClient client, S resources) {}

    private final S hub;
    private final Members members;
    private final MemberInformers<P> informers;
    private final BiFunction<String, KubernetesClient, S> remote;
    private final Map<String, Remote<S>> built = new ConcurrentHashMap<>();
    /** Which primaries a cluster's placement names: to wake them when it changes (no event of theirs comes). */
    private final Map<String, Set<ResourceID>> placedOn = new ConcurrentHashMap<>();

    /** @param remote builds the objects of cluster {@code name} on its client (their caches from {@code informers}) */
    public PlacedClusters(S hub, Members members, MemberInformers<P> informers,
            BiFunction<String, KubernetesClient, S> remote) {
        this.hub = hub;
        this.members = members;
        this.informers = informers;
        this.remote = remote;
        if (members != null) {
            // a new client is picked up by cluster() (it compares the instance); here only wake the primaries placed
            // there: a member that went away or came back sends them no event of its own
            members.onChange(name -> placedOn.getOrDefault(name, Set.of()).forEach(informers::wake));
        }
    }

    public S hub() {
        return hub;
    }

    public List<Cluster<S>> clusters(P primary, Placement p) {
        List<Cluster<S>> out = new ArrayList<>();
        if (p == null) {
            out.add(new Cluster<>(0, ClusterTarget.LOCAL, 100, hub, null, true));
            return out;
        }
        ResourceID id = ResourceID.fromResource(primary);
        placedOn.values().forEach(ids -> ids.remove(id));
        for (int i = 0; i < p.clusters.size(); i++) {
            PlacementCluster c = p.clusters.get(i);
            placedOn.computeIfAbsent(c.name, k -> ConcurrentHashMap.newKeySet()).add(id);
            out.add(cluster(i, c.name, c.weight));
        }
        return out;
    }

    /**
     * Runs {@code delete} on member {@code cluster}'s resources (objects left there by a primary that moved away).
     *
     * @return true when it ran; false when the member is not reachable now (the caller retries later)
     */
    public boolean deleteIn(String cluster, java.util.function.Consumer<S> delete) {
        Cluster<S> c = cluster(-1, cluster, 0);
        if (c.resources() == null) {
            return false;
        }
        try {
            delete.accept(c.resources());
            return true;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return false;
        }
    }

    /** A cluster by name, usable or not (also for clusters that left the placement and still hold objects). */
    public Cluster<S> cluster(int index, String name, int weight) {
        if (ClusterTarget.LOCAL.equals(name)) {
            return new Cluster<>(index, name, weight, hub, null, true);
        }
        Optional<KubernetesClient> client = members == null ? Optional.empty() : members.client(name);
        if (client.isEmpty()) {
            String why = members == null ? null : members.problem(name);
            return new Cluster<>(index, name, weight, null, why != null ? why : "ClusterTarget " + name
                    + " not found", false);
        }
        S res = built.compute(name, (k, old) -> old != null && old.client() == client.get() ? old
                : new Remote<>(client.get(), remote.apply(name, client.get()))).resources();
        boolean synced = informers.synced(name);
        String problem = !synced ? "waiting for the API server of cluster " + name
                : members.reachable(name) ? null : members.problem(name);
        return new Cluster<>(index, name, weight, res, problem, synced);
    }

    public boolean reachable(Cluster<S> c) {
        return c.local() || (c.usable() && (members == null || members.reachable(c.name())));
    }

    /** The ClusterTarget's spec.endpoint (null: the hub, or unknown). */
    public String endpoint(Cluster<S> c) {
        return members == null || c.local() ? null : members.endpoint(c.name());
    }
}
