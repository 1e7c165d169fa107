package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.status.ClusterStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.placement.DnsRecords;
import io.recoflow.operator.placement.MemberInformers;
import io.recoflow.operator.placement.Members;
import io.recoflow.operator.placement.PlacedClusters;
import io.recoflow.operator.placement.PlacedClusters.Cluster;
import io.recoflow.operator.placement.Weights;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a RecommendationModel's objects go: the hub alone without a placement, otherwise every cluster of
 * {@code spec.placement} with weight > 0, each through its own {@link ServingResources} (the hub's JOSDK informers,
 * or a member's informers from {@link MemberInformers}). Members come from {@link Members}; which clusters and
 * their clients, the generic part, from {@link PlacedClusters}.
 */
final class ModelPlacement {
    private final ServingResources hub;
    private final MemberInformers<RecommendationModel> informers;
    private final PlacedClusters<RecommendationModel, ServingResources> placed;

    ModelPlacement(ServingResources hub, Members members, MemberInformers<RecommendationModel> informers) {
        this.hub = hub;
        this.informers = informers;
        this.placed = new PlacedClusters<>(hub, members, informers,
                (name, client) -> new ServingResources(name, client, informers));
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

    List<Cluster<ServingResources>> clusters(RecommendationModel rm) {
        return placed.clusters(rm, rm.getSpec().placement);
    }

    /** A cluster by name, usable or not (also for clusters that left the placement and still hold objects). */
    /** @see PlacedClusters#deleteIn */
    boolean deleteIn(String cluster, java.util.function.Consumer<ServingResources> delete) {
        return placed.deleteIn(cluster, delete);
    }

    Cluster<ServingResources> cluster(int index, String name, int weight) {
        return placed.cluster(index, name, weight);
    }

    String endpoint(RecommendationModel rm, Cluster<ServingResources> c) {
        String e = c.local() ? null : placed.endpoint(c);
        return e != null ? e : Names.service(rm) + "." + rm.getMetadata().getNamespace() + ".svc";
    }

    boolean reachable(Cluster<ServingResources> c) {
        return placed.reachable(c);
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
