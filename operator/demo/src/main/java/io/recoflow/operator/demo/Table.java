package io.recoflow.operator.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints what `kubectl get rm,mv`, `kubectl get abx`, `kubectl get ccb` and `kubectl get ts` show (the CRDs' printer
 * columns).
 */
final class Table {
    private Table() {}

    static String render(List<RecommendationModel> rms, List<ModelVersion> mvs) {
        List<String[]> rm = new ArrayList<>();
        rm.add(new String[] {"NAME", "RUNTIME", "SERVING", "CANDIDATE", "WEIGHT", "ANALYSIS", "PHASE", "CLUSTERS",
            "READY", "AGE"});
        for (RecommendationModel r : sorted(rms)) {
            var s = r.getStatus();
            rm.add(new String[] {"recommendationmodel.recoflow.io/" + r.getMetadata().getName(),
                    r.getSpec().runtime == null ? "" : r.getSpec().runtime == io.recoflow.operator.api.spec.Runtime
                            .EMBEDDED ? "embedded" : "tensorflow-serving",
                    s == null ? "" : str(s.servingVersion), s == null ? "" : str(s.candidateVersion),
                    s == null ? "" : str(s.canaryWeight), s == null || s.analysis == null ? "" : str(s.analysis.result),
                    s == null ? "" : str(s.phase),
                    s == null ? "" : str(s.clustersReady),
                    s == null ? "" : Conditions.get(s.conditions, Conditions.READY).map(c -> c.getStatus())
                            .orElse(""),
                    age(r)});
        }
        return format(rm) + "\n" + versions(mvs);
    }

    static String versions(List<ModelVersion> mvs) {
        List<String[]> mv = new ArrayList<>();
        mv.add(new String[] {"NAME", "MODEL", "VERSION", "STAGE", "PHASE", "AGE"});
        for (ModelVersion v : sorted(mvs)) {
            mv.add(new String[] {"modelversion.recoflow.io/" + v.getMetadata().getName(), v.getSpec().modelRef,
                    str(v.getSpec().version), str(v.getSpec().stage).toLowerCase(),
                    v.getStatus() == null ? "" : str(v.getStatus().phase), age(v)});
        }
        return format(mv);
    }

    /** The experiments; empty when there are none, as kubectl prints no header for no resources. */
    static String experiments(List<ABExperiment> xs) {
        if (xs.isEmpty()) {
            return "";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "MODEL", "PHASE", "LEADER", "LIFT", "USERS", "AGE"});
        for (ABExperiment x : sorted(xs)) {
            var s = x.getStatus();
            rows.add(new String[] {"abexperiment.recoflow.io/" + x.getMetadata().getName(), x.getSpec().modelRef,
                    s == null ? "" : str(s.phase), s == null ? "" : str(s.leader), s == null ? "" : str(s.leaderLift),
                    s == null ? "" : str(s.users), age(x)});
        }
        return format(rows);
    }

    static String budgets(List<CloudCostBudget> bs) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "LIMIT", "SPENT", "FORECAST", "ACTION", "AGE"});
        for (CloudCostBudget b : sorted(bs)) {
            var s = b.getStatus();
            rows.add(new String[] {"cloudcostbudget.recoflow.io/" + b.getMetadata().getName(),
                    number(b.getSpec().limitUSD), s == null ? "" : number(s.spentUSD),
                    s == null ? "" : number(s.forecastUSD), s == null ? "" : str(s.action), age(b)});
        }
        return format(rows);
    }

    /**
     * NEXT shows status.nextRun itself: the CRD declares the column a date, which kubectl prints as an age, and the
     * age of a time to come is {@code <invalid>}.
     */
    static String schedules(List<TrainingSchedule> ts) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "MODEL", "SCHEDULE", "LAST", "CHALLENGER", "NEXT", "READY", "AGE"});
        for (TrainingSchedule t : sorted(ts)) {
            var s = t.getStatus();
            rows.add(new String[] {"trainingschedule.recoflow.io/" + t.getMetadata().getName(), t.getSpec().modelRef,
                    str(t.getSpec().schedule), s == null || s.lastRun == null ? "" : str(s.lastRun.result),
                    s == null ? "" : str(s.challengerVersion), s == null ? "" : str(s.nextRun),
                    s == null ? "" : Conditions.get(s.conditions, Conditions.READY).map(c -> c.getStatus()).orElse(""),
                    age(t)});
        }
        return format(rows);
    }

    /** As kubectl prints a number column: 500, 412.37. */
    private static String number(Double d) {
        return d == null ? "" : java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** The per-cluster part of a placed model's status (status.clusters), one line per cluster. */
    static String clusters(RecommendationModel r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CLUSTER", "PHASE", "SERVING", "READY", "WEIGHT", "EFFECTIVE", "MESSAGE"});
        if (r.getStatus() != null && r.getStatus().clusters != null) {
            for (var c : r.getStatus().clusters) {
                rows.add(new String[] {c.name, str(c.phase), str(c.servingVersion),
                        str(c.readyReplicas) + "/" + str(c.desiredReplicas), str(c.weight), str(c.effectiveWeight),
                        c.message == null ? "" : c.message});
            }
        }
        return format(rows);
    }

    private static <T extends HasMetadata> List<T> sorted(List<T> items) {
        return items.stream().sorted(java.util.Comparator.comparing(i -> i.getMetadata().getName())).toList();
    }

    private static String format(List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                b.append(String.format("%-" + (w[i] + 3) + "s", r[i]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static String age(HasMetadata o) {
        String ts = o.getMetadata().getCreationTimestamp();
        if (ts == null) {
            return "";
        }
        long s = Math.max(0, Duration.between(Instant.parse(ts), Instant.now()).toSeconds());
        return s < 120 ? s + "s" : (s / 60) + "m";
    }
}
