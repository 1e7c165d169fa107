package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Basis;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CloudCostBudgets on the mock API server. */
class BudgetTest extends OperatorHarness {

    static CloudCostBudget budget(String name, String prometheusUrl, double limit) {
        CloudCostBudget b = new CloudCostBudget();
        b.setMetadata(new ObjectMetaBuilder().withName(name).build());
        CloudCostBudgetSpec s = new CloudCostBudgetSpec();
        s.limitUSD = limit;
        s.source = new CloudCostBudgetSpec.Source();
        s.source.type = CloudCostBudgetSpec.SourceType.OPENCOST;
        s.source.opencost = new CloudCostBudgetSpec.OpenCost();
        s.source.opencost.prometheusUrl = prometheusUrl;
        s.pollIntervalSeconds = 10L;
        s.thresholds = new ArrayList<>(List.of(threshold(80, Action.CAP_REPLICAS, 3),
                threshold(90, Action.SHIFT_TRAFFIC, null), threshold(100, Action.PAUSE_EXPERIMENTS, null)));
        b.setSpec(s);
        return b;
    }

    static CloudCostBudgetSpec.Threshold threshold(int percent, Action action, Integer maxReplicas) {
        CloudCostBudgetSpec.Threshold t = new CloudCostBudgetSpec.Threshold();
        t.percent = percent;
        t.basis = Basis.ACTUAL;
        t.action = action;
        t.maxReplicas = maxReplicas;
        return t;
    }

    CloudCostBudget ccb(String name) {
        return client.resources(CloudCostBudget.class).inNamespace(NS).withName(name).get();
    }

    @Test
    void unreachablePrometheusIsUnknownAndTakesNoAction() {
        client.resource(budget("monthly", "http://127.0.0.1:1", 500)).inNamespace(NS).create();
        CloudCostBudget b = await(Duration.ofSeconds(30), () -> ccb("monthly"), x -> x.getStatus() != null
                && Conditions.get(x.getStatus().conditions, "WithinBudget").map(c -> "Unknown".equals(c.getStatus()))
                .orElse(false) && Conditions.get(x.getStatus().conditions, Conditions.READY)
                .map(c -> "CostDataUnavailable".equals(c.getReason()) && c.getMessage().contains("127.0.0.1:1"))
                .orElse(false));
        assertThat(b.getStatus().actions).isNull();
        assertThat(b.getStatus().action).isEqualTo("none");
        assertThat(b.getStatus().spentUSD).isNull();
        awaitEvent("monthly", "Warning", "CostDataUnavailable");
    }
}
