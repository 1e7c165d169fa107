package io.recoflow.operator.budget;

import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.budget.source.CostException;
import io.recoflow.operator.budget.source.CostSource;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Builds the cost source a budget's spec names, with its credentials from Secrets in the operator's namespace. */
public class Sources {
    /** @param secret Secret name -> its data (decoded), null when there is no such Secret */
    public CostSource of(CloudCostBudget b, Function<String, Map<String, String>> secret) throws CostException {
        throw new CostException("CostDataUnavailable", "no cost source yet", false);
    }

    /** The Secrets a budget reads (credentials, webhook): its reconcile wakes when one of them changes. */
    static Set<String> secretNames(CloudCostBudget b) {
        Set<String> out = new LinkedHashSet<>();
        var spec = b.getSpec();
        if (spec == null) {
            return out;
        }
        if (spec.source != null && spec.source.aws != null && spec.source.aws.credentialsSecret != null) {
            out.add(spec.source.aws.credentialsSecret);
        }
        if (spec.source != null && spec.source.azure != null && spec.source.azure.credentialsSecret != null) {
            out.add(spec.source.azure.credentialsSecret);
        }
        if (spec.notify != null && spec.notify.webhookSecret != null) {
            out.add(spec.notify.webhookSecret);
        }
        return out;
    }
}
