package io.recoflow.operator.budget;

import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.SourceType;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Threshold;
import io.recoflow.operator.core.Validator;
import java.util.ArrayList;
import java.util.List;

/** The CloudCostBudget CRD's OpenAPI and CEL rules again, in Java (see {@link Validator}). */
public final class BudgetValidator implements Validator<CloudCostBudget> {
    public static final BudgetValidator INSTANCE = new BudgetValidator();

    private BudgetValidator() {}

    @Override
    public List<String> validate(CloudCostBudget b) {
        List<String> errors = new ArrayList<>();
        CloudCostBudgetSpec spec = b.getSpec();
        if (spec == null) {
            errors.add("spec: required");
            return errors;
        }
        Validator.required(errors, "spec.limitUSD", spec.limitUSD);
        if (spec.limitUSD != null && !(spec.limitUSD >= 0)) {
            errors.add("spec.limitUSD: must be >= 0");
        }
        if (spec.source == null || spec.source.type == null) {
            errors.add("spec.source.type: required");
        } else if (spec.source.type == SourceType.OPENCOST && spec.source.opencost == null) {
            errors.add("spec: source.opencost is required for type opencost");
        } else if (spec.source.type == SourceType.CLOUD_BILLING && spec.source.aws == null
                && spec.source.azure == null) {
            errors.add("spec: source.aws and/or source.azure is required for type cloudBilling");
        }
        if (spec.thresholds != null) {
            int last = Integer.MIN_VALUE;
            for (int i = 0; i < spec.thresholds.size(); i++) {
                Threshold t = spec.thresholds.get(i);
                String at = "spec.thresholds[" + i + "]";
                Validator.required(errors, at + ".percent", t.percent);
                Validator.required(errors, at + ".action", t.action);
                Validator.range(errors, at + ".percent", t.percent, 1, 1000);
                if (t.percent != null) {
                    if (t.percent < last) {
                        errors.add("spec: thresholds must be sorted by percent");
                    }
                    last = t.percent;
                }
                if (t.action == Action.CAP_REPLICAS && t.maxReplicas == null) {
                    errors.add(at + ": capReplicas needs maxReplicas");
                }
                if (t.action == Action.NOTIFY && spec.notify == null) {
                    errors.add("spec: a notify threshold needs spec.notify");
                }
            }
        }
        return errors;
    }
}
