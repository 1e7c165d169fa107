package io.recoflow.operator.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus.ActionStatus;
import io.recoflow.operator.api.spec.Autoscaling;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnforcementTest {
    static RecommendationModel model(String ns, Map<String, String> labels) {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName("recs").withNamespace(ns).withLabels(labels).build());
        rm.setSpec(new RecommendationModelSpec());
        rm.getSpec().autoscaling = new Autoscaling();
        rm.getSpec().autoscaling.minReplicas = 2;
        rm.getSpec().autoscaling.maxReplicas = 10;
        return rm;
    }

    static CloudCostBudget budget(String name, String ns, String cheapest, ActionStatus... actions) {
        CloudCostBudget b = new CloudCostBudget();
        b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        b.setSpec(new CloudCostBudgetSpec());
        b.setStatus(new CloudCostBudgetStatus());
        b.getStatus().actions = List.of(actions);
        b.getStatus().cheapestCluster = cheapest;
        return b;
    }

    static ActionStatus a(Action action, Integer value) {
        ActionStatus s = new ActionStatus();
        s.action = action;
        s.value = value;
        return s;
    }

    @Test
    void strictestCapWinsAndNeverGoesBelowMinReplicas() {
        var rm = model("shop", Map.of());
        var e = Enforcement.of(rm, List.of("local"), List.of(budget("a", "shop", null, a(Action.CAP_REPLICAS, 6)),
                budget("b", "shop", null, a(Action.CAP_REPLICAS, 1)), budget("c", "other", null,
                        a(Action.CAP_REPLICAS, 3))));
        assertThat(e.maxReplicas()).isEqualTo(1);
        assertThat(e.budgets()).containsExactly("shop/a", "shop/b");
        RecommendationModel capped = Enforcement.effective(rm, e, false);
        assertThat(capped.getSpec().autoscaling.maxReplicas).isEqualTo(2);
        assertThat(capped.getSpec().autoscaling.minReplicas).isEqualTo(2);
        assertThat(rm.getSpec().autoscaling.maxReplicas).as("the spec itself").isEqualTo(10);
        assertThat(capped.getStatus()).isSameAs(rm.getStatus());
        assertThat(e.describe()).isEqualTo("capReplicas 1 (budget shop/a, shop/b)");
    }

    @Test
    void scopeByNamespacesAndLabels() {
        var b = budget("a", "finance", null, a(Action.PAUSE_EXPERIMENTS, null));
        b.getSpec().scope = new CloudCostBudgetSpec.Scope();
        b.getSpec().scope.namespaces = List.of("shop");
        b.getSpec().scope.matchLabels = Map.of("team", "recs");
        assertThat(Enforcement.of(model("shop", Map.of("team", "recs")), List.of(), List.of(b)).pauseExperiments())
                .isTrue();
        assertThat(Enforcement.of(model("shop", Map.of("team", "ads")), List.of(), List.of(b)).none()).isTrue();
        assertThat(Enforcement.of(model("finance", Map.of("team", "recs")), List.of(), List.of(b)).none()).isTrue();
    }

    @Test
    void scaleToMinimumOnlyDuringARollout() {
        var rm = model("shop", Map.of());
        var e = Enforcement.of(rm, List.of(), List.of(budget("a", "shop", null, a(Action.SCALE_TO_MINIMUM, null))));
        assertThat(Enforcement.effective(rm, e, false)).isSameAs(rm);
        assertThat(Enforcement.effective(rm, e, true).getSpec().autoscaling.maxReplicas).isEqualTo(2);
    }

    @Test
    void shiftMovesEverythingAboveTheFloorToTheCheapestCluster() {
        Map<String, Integer> w = new LinkedHashMap<>(Map.of("eks", 70));
        w.put("aks", 30);
        assertThat(Enforcement.shift(w, "aks", 10)).containsExactly(Map.entry("eks", 10), Map.entry("aks", 90));
        assertThat(Enforcement.shift(w, "eks", 50)).containsExactly(Map.entry("eks", 70), Map.entry("aks", 30));
        assertThat(Enforcement.shift(w, "aks", 0)).as("a cluster with traffic keeps 1")
                .containsExactly(Map.entry("eks", 1), Map.entry("aks", 99));
        assertThat(Enforcement.shift(w, null, 10)).isSameAs(w);
        // the shift only names a cluster the model is placed in
        var rm = model("shop", Map.of());
        var e = Enforcement.of(rm, List.of("eks", "aks"), List.of(budget("a", "shop", "gke",
                a(Action.SHIFT_TRAFFIC, 10))));
        assertThat(e.shiftTo()).isNull();
    }
}
