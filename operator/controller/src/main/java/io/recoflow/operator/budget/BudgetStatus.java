package io.recoflow.operator.budget;

import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place CloudCostBudget status is written. */
public final class BudgetStatus {
    public static final String WITHIN = "WithinBudget";
    public static final String FORECAST = "ForecastWithinBudget";
    public static final Conditions CONDITIONS = Conditions.of(Conditions.READY, WITHIN, FORECAST);

    private BudgetStatus() {}

    public static CloudCostBudgetStatus of(CloudCostBudget b) {
        if (b.getStatus() == null) {
            b.setStatus(new CloudCostBudgetStatus());
        }
        if (b.getStatus().conditions == null) {
            b.getStatus().conditions = new ArrayList<>();
        }
        return b.getStatus();
    }

    public static boolean ready(CloudCostBudget b, boolean ready, Reason reason, String message, Instant now) {
        CloudCostBudgetStatus s = of(b);
        s.observedGeneration = b.getMetadata().getGeneration();
        return CONDITIONS.set(s.conditions, Conditions.READY, ready, reason, message, s.observedGeneration, now);
    }

    public static boolean set(CloudCostBudget b, String type, boolean ok, Reason reason, String message,
            Instant now) {
        return CONDITIONS.set(of(b).conditions, type, ok, reason, message, b.getMetadata().getGeneration(), now);
    }

    /** No fresh data: neither within nor over budget, and the actions in effect stay as they are. */
    public static boolean unknown(CloudCostBudget b, Reason reason, String message, Instant now) {
        CloudCostBudgetStatus s = of(b);
        boolean a = CONDITIONS.unknown(s.conditions, WITHIN, reason, message, b.getMetadata().getGeneration(), now);
        boolean f = CONDITIONS.unknown(s.conditions, FORECAST, reason, message, b.getMetadata().getGeneration(),
                now);
        return a | f;
    }

    /** Cents: status stays readable and does not churn on float noise. */
    static Double usd(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static Map<String, Double> usd(Map<String, Double> m) {
        if (m == null || m.isEmpty()) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, usd(v)));
        return out;
    }
}
