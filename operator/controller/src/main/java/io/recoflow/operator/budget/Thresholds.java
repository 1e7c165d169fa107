package io.recoflow.operator.budget;

import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Basis;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Threshold;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus.ActionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which thresholds' actions are in effect, pure. A threshold is in effect while its basis (spend so far, or the
 * forecast) is at or above its percent of the limit; an action keeps the {@code since} of its first crossing this
 * period. Only ever called with fresh data: stale or missing data leaves the previous set as it was (fail-safe).
 */
public final class Thresholds {
    private Thresholds() {}

    public record Change(List<ActionStatus> now, List<ActionStatus> added, List<ActionStatus> released) {}

    public static Change evaluate(CloudCostBudgetSpec spec, double spent, double forecast,
            List<ActionStatus> before, Instant now) {
        List<ActionStatus> in = new ArrayList<>();
        List<ActionStatus> added = new ArrayList<>();
        List<ActionStatus> previous = before == null ? List.of() : before;
        if (spec.thresholds != null) {
            for (Threshold t : spec.thresholds) {
                Basis basis = t.basis == null ? Basis.ACTUAL : t.basis;
                double value = basis == Basis.ACTUAL ? spent : forecast;
                if (value < spec.limitUSD * t.percent / 100.0) {
                    continue;
                }
                ActionStatus old = previous.stream().filter(a -> same(a, t)).findFirst().orElse(null);
                ActionStatus a = new ActionStatus();
                a.action = t.action;
                a.percent = t.percent;
                a.basis = basis;
                a.value = t.action == CloudCostBudgetSpec.Action.CAP_REPLICAS ? t.maxReplicas
                        : t.action == CloudCostBudgetSpec.Action.SHIFT_TRAFFIC ? floor(t) : null;
                a.since = old == null ? now.toString() : old.since;
                in.add(a);
                if (old == null) {
                    added.add(a);
                }
            }
        }
        List<ActionStatus> released = previous.stream()
                .filter(a -> in.stream().noneMatch(b -> same(a, b))).toList();
        return new Change(in, added, released);
    }

    static int floor(Threshold t) {
        return t.floorPercent == null ? 10 : t.floorPercent;
    }

    static boolean same(ActionStatus a, Threshold t) {
        return a.action == t.action && Objects.equals(a.percent, t.percent)
                && a.basis == (t.basis == null ? Basis.ACTUAL : t.basis);
    }

    static boolean same(ActionStatus a, ActionStatus b) {
        return a.action == b.action && Objects.equals(a.percent, b.percent) && a.basis == b.basis;
    }

    /** "capReplicas 4 (actual >= 90%)". */
    public static String describe(ActionStatus a) {
        String what = switch (a.action) {
            case NOTIFY -> "notify";
            case CAP_REPLICAS -> "capReplicas " + a.value;
            case SHIFT_TRAFFIC -> "shiftTraffic (floor " + a.value + "%)";
            case PAUSE_EXPERIMENTS -> "pauseExperiments";
            case SCALE_TO_MINIMUM -> "scaleToMinimum";
        };
        return what + " (" + (a.basis == Basis.FORECAST ? "forecast" : "actual") + " >= " + a.percent + "%)";
    }

    /** The ACTION column: the action names in effect, or none. */
    public static String column(List<ActionStatus> actions) {
        if (actions == null || actions.isEmpty()) {
            return "none";
        }
        return String.join(",", actions.stream().map(a -> switch (a.action) {
            case NOTIFY -> "notify";
            case CAP_REPLICAS -> "capReplicas";
            case SHIFT_TRAFFIC -> "shiftTraffic";
            case PAUSE_EXPERIMENTS -> "pauseExperiments";
            case SCALE_TO_MINIMUM -> "scaleToMinimum";
        }).distinct().toList());
    }
}
