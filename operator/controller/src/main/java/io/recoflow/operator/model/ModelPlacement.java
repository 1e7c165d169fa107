package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.spec.PlacementCluster;
import io.recoflow.operator.api.status.ClusterStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.placement.DnsRecords;
import io.recoflow.operator.placement.MemberInformers;
import io.recoflow.operator.placement.Members;
import io.recoflow.operator.placement.Weights;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a RecommendationModel's objects go: the hub alone without a placement, otherwise every cluster of
 * {@code spec.placement} with weight > 0, each through its own {@link ServingResources} (the hub's JOSDK informers,
 * or a member's informers from {@link MemberInformers}). Members come from {@link Members}.
 */
final class ModelPlacement {
    /** One cluster of the placement as this reconcile sees it. */
    record Cluster(int index, String name, int weight, ServingResources resources, String problem, boolean synced) {
        boolean usable() {
            return resources != null && synced;
        }

        boolean local() {
            return ClusterTarget.LOCAL.equals(name);
        }
    }

    private final ServingResources hub;
    private final Members members;
    private final MemberInformers<RecommendationModel> informers;
    private final Map<String, ServingResources> remote = new ConcurrentHashMap<>();
    /** Which models a cluster's placement names: to wake them when the cluster changes (no event of theirs comes). */
    private final Map<String, java.util.Set<ResourceID>> placedOn = new ConcurrentHashMap<>();

    ModelPlacement(ServingResources hub, Members members, MemberInformers<RecommendationModel> informers) {
        this.hub = hub;
        this.members = members;
        this.informers = informers;
        if (members != null) {
            // a new client is picked up by cluster() (it compares the instance); here only wake the models placed
            // there: a member that went away or came back sends them no event of its own
            members.onChange(name -> placedOn.getOrDefault(name, java.util.Set.of()).forEach(informers::wake));
        }
    }

    ServingResources hub() {
        return hub;
    }

    /**
     * Writes the placement's DNSEndpoint (when spec.placement.dns is set) with the effective weights.
     *
     * @return a note for status when it cannot be written yet (the ExternalDNS CRD is not installed), else null
     */
    String publishDns(RecommendationModel rm, List<ClusterStatus> clusters) {
        Placement p = rm.getSpec().placement;
        if (p == null || p.dns == null) {
            return null;
        }
        KubernetesClient client = hub.client();
        var cache = informers.cache(ClusterTarget.LOCAL, client, DnsRecords.API_VERSION, DnsRecords.KIND);
        if (!informers.synced(ClusterTarget.LOCAL, DnsRecords.API_VERSION + "/" + DnsRecords.KIND)) {
            return "DNSEndpoint not written yet: waiting for the ExternalDNS CRD (dnsendpoints.externaldns.k8s.io)";
        }
        List<DnsRecords.Target> targets = clusters.stream().filter(c -> c.weight != null && c.weight > 0)
                .map(c -> new DnsRecords.Target(c.name, c.endpoint, c.effectiveWeight == null ? 0 : c.effectiveWeight))
                .toList();
        Dependent<GenericKubernetesResource, RecommendationModel> dns = Dependent.of(GenericKubernetesResource.class,
                client, cache, (d, l) -> d);
        dns.apply(rm, DnsRecords.render(rm, Names.service(rm), ModelLabels.of(rm), p.dns.hostname,
                p.dns.ttl == null ? 60 : p.dns.ttl, targets));
        return null;
    }

    List<Cluster> clusters(RecommendationModel rm) {
        Placement p = rm.getSpec().placement;
        List<Cluster> out = new ArrayList<>();
        if (p == null) {
            out.add(new Cluster(0, ClusterTarget.LOCAL, 100, hub, null, true));
            return out;
        }
        ResourceID id = ResourceID.fromResource(rm);
        placedOn.values().forEach(ids -> ids.remove(id));
        for (int i = 0; i < p.clusters.size(); i++) {
            PlacementCluster c = p.clusters.get(i);
            placedOn.computeIfAbsent(c.name, k -> ConcurrentHashMap.newKeySet()).add(id);
            out.add(cluster(i, c.name, c.weight));
        }
        return out;
    }

    /** A cluster by name, usable or not (also for clusters that left the placement and still hold objects). */
    Cluster cluster(int index, String name, int weight) {
        if (ClusterTarget.LOCAL.equals(name)) {
            return new Cluster(index, name, weight, hub, null, true);
        }
        Optional<KubernetesClient> client = members == null ? Optional.empty() : members.client(name);
        if (client.isEmpty()) {
            String why = members == null ? null : members.problem(name);
            return new Cluster(index, name, weight, null, why != null ? why : "ClusterTarget " + name
                    + " not found", false);
        }
        ServingResources res = remote.compute(name, (k, old) -> old != null && old.client() == client.get() ? old
                : new ServingResources(name, client.get(), informers));
        boolean synced = informers.synced(name);
        String problem = !synced ? "waiting for the API server of cluster " + name
                : members.reachable(name) ? null : members.problem(name);
        return new Cluster(index, name, weight, res, problem, synced);
    }

    String endpoint(RecommendationModel rm, Cluster c) {
        String e = members == null || c.local() ? null : members.endpoint(c.name());
        return e != null ? e : Names.service(rm) + "." + rm.getMetadata().getNamespace() + ".svc";
    }

    boolean reachable(Cluster c) {
        return c.local() || (c.usable() && (members == null || members.reachable(c.name())));
    }

    /**
     * The model as cluster {@code c} renders it: replicas (or autoscaling bounds) for its share of traffic. The
     * spec object is a copy; the status is shared.
     */
    static RecommendationModel scaled(RecommendationModel rm, Weights.Result weights, String cluster) {
        if (rm.getSpec().placement == null) {
            return rm;
        }
        RecommendationModel copy = new RecommendationModel();
        copy.setMetadata(rm.getMetadata());
        copy.setStatus(rm.getStatus());
        copy.setSpec(Serialization.clone(rm.getSpec()));
        var s = copy.getSpec();
        Weights.Effective me = weights.of(cluster);
        boolean failed = me == null || me.effective() == 0;
        int share = me == null ? 0 : failed ? me.weight() : me.effective();
        Map<String, Integer> by = new LinkedHashMap<>();
        for (Weights.Effective e : weights.clusters()) {
            by.put(e.name(), failed ? e.weight() : e.effective());
        }
        if (s.autoscaling != null) {
            int min = s.autoscaling.minReplicas == null ? 1 : s.autoscaling.minReplicas;
            s.autoscaling.minReplicas = Weights.bound(min, share);
            s.autoscaling.maxReplicas = Math.max(s.autoscaling.minReplicas, Weights.bound(s.autoscaling.maxReplicas,
                    share));
        } else {
            int total = s.replicas == null ? 1 : s.replicas;
            // a failed-over cluster keeps its configured share warm; the others scale to the traffic they now take
            s.replicas = Weights.split(total, by).getOrDefault(cluster, 0);
        }
        return copy;
    }

    static Map<String, Weights.Before> before(List<ClusterStatus> statuses) {
        Map<String, Weights.Before> out = new LinkedHashMap<>();
        if (statuses != null) {
            for (ClusterStatus c : statuses) {
                out.put(c.name, new Weights.Before(Boolean.TRUE.equals(c.failedOver), time(c.unhealthySince),
                        time(c.healthySince)));
            }
        }
        return out;
    }

    static Integer ready(Optional<Deployment> d) {
        return d.map(x -> x.getStatus() == null || x.getStatus().getReadyReplicas() == null ? 0
                : x.getStatus().getReadyReplicas()).orElse(0);
    }

    private static Instant time(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
