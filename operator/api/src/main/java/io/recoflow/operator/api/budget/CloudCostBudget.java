package io.recoflow.operator.api.budget;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.recoflow.operator.api.RecommendationModel;

/**
 * A monthly dollar budget over Recoflow's clusters on AWS and Azure: spend measured (OpenCost in Prometheus, or the
 * clouds' billing APIs), forecast to the month end, and enforced by actions at thresholds that the affected
 * resources take from this status (no spec is written).
 */
@Group(RecommendationModel.GROUP)
@Version(RecommendationModel.VERSION)
@ShortNames("ccb")
@AdditionalPrinterColumn(name = "Limit", jsonPath = ".spec.limitUSD", type = Type.NUMBER)
@AdditionalPrinterColumn(name = "Spent", jsonPath = ".status.spentUSD", type = Type.NUMBER)
@AdditionalPrinterColumn(name = "Forecast", jsonPath = ".status.forecastUSD", type = Type.NUMBER)
@AdditionalPrinterColumn(name = "Action", jsonPath = ".status.action", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class CloudCostBudget extends CustomResource<CloudCostBudgetSpec, CloudCostBudgetStatus> implements Namespaced {

    @Override
    @Required
    public CloudCostBudgetSpec getSpec() {
        return super.getSpec();
    }
}
