package io.recoflow.operator.budget.source;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * periodStart: first instant of the month (UTC); now; clusters: ClusterTarget name -> cloud ("aws"|"azure") in
 * scope; namespaces in scope (empty = all).
 */
public record CostQuery(Instant periodStart, Instant now, Map<String, String> clusters, List<String> namespaces) {
    public CostQuery {
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(now, "now");
        if (now.isBefore(periodStart)) {
            throw new IllegalArgumentException("now " + now + " is before the period start " + periodStart);
        }
        if (clusters == null || clusters.isEmpty()) {
            throw new IllegalArgumentException("a cost query needs at least one cluster");
        }
        clusters = Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    }
}
