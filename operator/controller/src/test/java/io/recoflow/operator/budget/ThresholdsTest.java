package io.recoflow.operator.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Basis;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus.ActionStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
    static final Instant T0 = Instant.parse("2026-12-10T00:00:00Z");

    static CloudCostBudgetSpec.Threshold t(int percent, Basis basis, Action action, Integer max) {
        CloudCostBudgetSpec.Threshold t = new CloudCostBudgetSpec.Threshold();
        t.percent = percent;
        t.basis = basis;
        t.action = action;
        t.maxReplicas = max;
        return t;
    }

    static CloudCostBudgetSpec spec() {
        CloudCostBudgetSpec s = new CloudCostBudgetSpec();
        s.limitUSD = 500.0;
        s.thresholds = List.of(t(80, Basis.FORECAST, Action.NOTIFY, null), t(80, null, Action.CAP_REPLICAS, 4),
                t(90, null, Action.SHIFT_TRAFFIC, null), t(100, null, Action.PAUSE_EXPERIMENTS, null));
        return s;
    }

    @Test
    void actionsComeInOrderAsSpendCrossesEachThresholdAndKeepTheirSince() {
        var below = Thresholds.evaluate(spec(), 300, 390, null, T0);
        assertThat(below.now()).isEmpty();
        var forecast = Thresholds.evaluate(spec(), 300, 410, below.now(), T0);
        assertThat(forecast.added()).extracting(a -> a.action).containsExactly(Action.NOTIFY);
        var eighty = Thresholds.evaluate(spec(), 400, 600, forecast.now(), T0.plusSeconds(60));
        assertThat(eighty.now()).extracting(a -> a.action).containsExactly(Action.NOTIFY, Action.CAP_REPLICAS);
        assertThat(eighty.added()).extracting(a -> a.action).containsExactly(Action.CAP_REPLICAS);
        assertThat(eighty.now().get(0).since).isEqualTo(T0.toString());
        assertThat(eighty.now().get(1).value).isEqualTo(4);
        var ninety = Thresholds.evaluate(spec(), 450, 600, eighty.now(), T0.plusSeconds(120));
        assertThat(ninety.added()).extracting(a -> a.action).containsExactly(Action.SHIFT_TRAFFIC);
        assertThat(ninety.added().get(0).value).isEqualTo(10);
        var hundred = Thresholds.evaluate(spec(), 500, 600, ninety.now(), T0.plusSeconds(180));
        assertThat(hundred.added()).extracting(a -> a.action).containsExactly(Action.PAUSE_EXPERIMENTS);
        assertThat(Thresholds.column(hundred.now())).isEqualTo("notify,capReplicas,shiftTraffic,pauseExperiments");
        // spend corrected downwards (a refund): the actions above it go
        var back = Thresholds.evaluate(spec(), 420, 600, hundred.now(), T0.plusSeconds(240));
        assertThat(back.released()).extracting(a -> a.action).containsExactly(Action.SHIFT_TRAFFIC,
                Action.PAUSE_EXPERIMENTS);
        assertThat(Thresholds.describe(back.now().get(1))).isEqualTo("capReplicas 4 (actual >= 80%)");
        assertThat(Thresholds.column(List.<ActionStatus>of())).isEqualTo("none");
    }
}
