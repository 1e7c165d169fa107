package io.recoflow.operator.budget;

import io.recoflow.operator.budget.source.Spend;
import java.time.Instant;
import java.util.Map;

/**
 * One poll of a budget's cost source: the spend, or why there is none (then {@code reason} is a condition reason
 * and the figures are null). {@code requests}: recommendations served this period, per cluster when the metrics
 * carry a cluster label ("" otherwise); empty when unknown.
 */
public record Reading(Spend spend, String reason, String error, Map<String, Double> requests, Instant at) {
    public boolean failed() {
        return spend == null;
    }

    public double totalRequests() {
        return requests.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
