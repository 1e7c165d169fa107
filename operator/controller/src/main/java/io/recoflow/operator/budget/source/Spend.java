package io.recoflow.operator.budget.source;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Month-to-date spend of one scope. byCloud keys "aws"/"azure"; byCluster keys ClusterTarget names; byNamespace keys
 * namespaces (empty maps when a source cannot break down). daily: USD per UTC day since the period start, oldest
 * first (the forecast uses it). asOf: the instant the sums run up to.
 */
public record Spend(double totalUSD, Map<String, Double> byCloud, Map<String, Double> byCluster,
        Map<String, Double> byNamespace, List<Double> daily, Instant asOf) {
    public Spend {
        byCloud = sorted(byCloud);
        byCluster = sorted(byCluster);
        byNamespace = sorted(byNamespace);
        daily = List.copyOf(daily);
        Objects.requireNonNull(asOf, "asOf");
    }

    // sorted so that a status built from it does not change order between reconciles
    private static Map<String, Double> sorted(Map<String, Double> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }
}
