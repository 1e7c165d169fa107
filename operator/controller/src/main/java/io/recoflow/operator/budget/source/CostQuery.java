package io.recoflow.operator.budget.source;

import java.time.Instant;
import java.util.List;
import java.util.Map;

public record CostQuery(Instant periodStart, Instant now, Map<String, String> clusters, List<String> namespaces) {}
