package io.recoflow.operator.budget.source;

import java.time.Instant;
import java.util.List;
import java.util.Map;

public record Spend(double totalUSD, Map<String, Double> byCloud, Map<String, Double> byCluster,
        Map<String, Double> byNamespace, List<Double> daily, Instant asOf) {}
