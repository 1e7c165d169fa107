package io.recoflow.operator.budget;

import io.recoflow.operator.api.budget.CloudCostBudget;
import java.util.Arrays;
import java.util.List;

/** Small facts about a budget that other kinds' controllers need to map and filter its events. */
public final class Budgets {
    private Budgets() {}

    /** The namespaces a budget may act in: scope.namespaces, or its own. */
    public static List<String> namespaces(CloudCostBudget b) {
        var scope = b.getSpec() == null ? null : b.getSpec().scope;
        return scope == null || scope.namespaces == null || scope.namespaces.isEmpty()
                ? List.of(b.getMetadata().getNamespace()) : scope.namespaces;
    }

    /** What of a budget its affected resources read: a change of anything else (the spend) need not wake them. */
    public static List<Object> key(CloudCostBudget b) {
        var st = b.getStatus();
        return Arrays.asList(b.getMetadata().getGeneration(),
                st == null ? null : io.fabric8.kubernetes.client.utils.Serialization.asJson(st.actions),
                st == null ? null : st.cheapestCluster);
    }
}
