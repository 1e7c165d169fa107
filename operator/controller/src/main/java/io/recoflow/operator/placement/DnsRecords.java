package io.recoflow.operator.placement;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.recoflow.operator.core.Owners;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective weights where a global load balancer reads them: an ExternalDNS {@code DNSEndpoint} in the hub
 * with one weighted CNAME per cluster (Route 53 weighted routing: a set identifier and {@code aws/weight} per
 * record). A failed-over cluster keeps its record at weight 0, so restoring it is one change of a number.
 */
public final class DnsRecords {
    public static final String API_VERSION = "externaldns.k8s.io/v1alpha1";
    public static final String KIND = "DNSEndpoint";

    private DnsRecords() {}

    /** One cluster's record: where its Services are reached, and its share. */
    public record Target(String cluster, String endpoint, int weight) {}

    public static GenericKubernetesResource render(HasMetadata owner, String name, Map<String, String> labels,
            String hostname, int ttl, List<Target> targets) {
        List<Map<String, Object>> endpoints = new ArrayList<>();
        for (Target t : targets) {
            if (t.endpoint() == null) {
                continue; // no address known for this cluster: nothing to point at
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dnsName", hostname);
            e.put("recordType", "CNAME");
            e.put("recordTTL", ttl);
            e.put("setIdentifier", t.cluster());
            e.put("targets", List.of(host(t.endpoint())));
            e.put("providerSpecific", List.of(Map.of("name", "aws/weight", "value", String.valueOf(t.weight()))));
            endpoints.add(e);
        }
        // in the hub: owner reference for garbage collection, and the annotations its informer maps events by
        return Placed.annotate(owner, new GenericKubernetesResourceBuilder().withApiVersion(API_VERSION).withKind(KIND)
                .withMetadata(Owners.meta(owner, name, labels))
                .addToAdditionalProperties("spec", Map.of("endpoints", endpoints)).build());
    }

    /** A ClusterTarget's endpoint is a URL; the record points at its host. */
    static String host(String endpoint) {
        if (!endpoint.contains("://")) {
            return endpoint.replaceAll("[:/].*$", "");
        }
        return URI.create(endpoint).getHost();
    }
}
