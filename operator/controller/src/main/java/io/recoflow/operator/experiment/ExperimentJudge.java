package io.recoflow.operator.experiment;

import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ABExperimentSpec.Analysis;
import io.recoflow.operator.api.experiment.ABExperimentSpec.Metric;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.experiment.stats.Comparison;
import io.recoflow.operator.experiment.stats.FixedHorizonTest;
import io.recoflow.operator.experiment.stats.SampleRatio;
import io.recoflow.operator.experiment.stats.SequentialTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The decision of one look at a running experiment, pure. In order, each stopping the look:
 * <ol>
 *   <li>guardrails (any time): a variant over its latency, error or fallback limit stops the experiment;</li>
 *   <li>sample ratio mismatch: the exposed users against the configured weights (chi-square); below
 *       {@code srmPValue} nothing is declared, ever, since the split itself is broken;</li>
 *   <li>before {@code minDurationSeconds} and {@code minUsersPerVariant}: keep running;</li>
 *   <li>the secondary guardrail: a secondary metric whose interval lies wholly below the allowed drop stops;</li>
 *   <li>the primary metric: every treatment against control at alpha / (treatments) (Bonferroni, so several
 *       treatments keep the family-wise error at alpha). A treatment significantly better wins (the best lift of
 *       those); all significantly worse: control wins; neither by {@code maxDurationSeconds}: Inconclusive.</li>
 * </ol>
 * The sequential p-value is always valid: the caller hands in the previous look's values and gets their running
 * minimum back, so peeking every {@code checkIntervalSeconds} does not inflate false positives. The fixed method
 * is evaluated once, at the horizon.
 */
public final class ExperimentJudge {
    /** Fewer expected users than this in a variant and the chi-square approximation is not trusted yet. */
    static final double SRM_MIN_EXPECTED = 20;

    private ExperimentJudge() {}

    /** One variant as configured, with its ModelVersion's number. */
    public record Arm(String name, boolean control, int weight, long version) {}

    /** One variant's figures; {@code vs} is null for the control. */
    public record Result(Arm arm, Counts counts, double rate, Comparison vs, Double pValue,
            Map<Metric, Double> secondary) {}

    public record Verdict(ExperimentPhase phase, Reason reason, String message, String winner, Double srmPValue,
            List<Result> results) {
        public Result leader() {
            Result best = null;
            for (Result r : results) {
                if (r.counts().exposed() > 0 && (best == null || r.rate() > best.rate())) {
                    best = r;
                }
            }
            return best;
        }
    }

    public static Verdict judge(ABExperimentSpec spec, List<Arm> arms, Map<String, Counts> counts,
            Map<String, Counts.Health> health, Duration elapsed, Map<String, Double> previousP) {
        Analysis a = spec.analysis == null ? new Analysis() : spec.analysis;
        double alpha = or(a.alpha, Analysis.DEFAULT_ALPHA);
        boolean fixed = a.method == Analysis.Method.FIXED;
        Metric primary = spec.primaryMetric == null ? Metric.CONVERSION : spec.primaryMetric;
        Arm control = arms.stream().filter(Arm::control).findFirst().orElseThrow();
        double familyAlpha = alpha / Math.max(1, arms.size() - 1);
        Counts c0 = counts.getOrDefault(control.name(), Counts.NONE);

        List<Result> results = new ArrayList<>();
        for (Arm arm : arms) {
            Counts n = counts.getOrDefault(arm.name(), Counts.NONE);
            Map<Metric, Double> secondary = new LinkedHashMap<>();
            if (spec.secondaryMetrics != null) {
                for (Metric m : spec.secondaryMetrics) {
                    secondary.put(m, n.sample(m).mean());
                }
            }
            Comparison vs = null;
            Double p = null;
            if (!arm.control()) {
                vs = compare(fixed, familyAlpha, c0, n, primary);
                p = fixed ? vs.pValue() : SequentialTest.runningMin(previousP.get(arm.name()), vs.pValue());
            }
            results.add(new Result(arm, n, n.sample(primary).mean(), vs, p, secondary));
        }

        String breach = guardrails(spec.guardrails, arms, health);
        if (breach != null) {
            return new Verdict(ExperimentPhase.Stopped, Reason.GuardrailBreached, breach, null, null, results);
        }
        Double srm = srm(arms, counts);
        double srmLimit = or(a.srmPValue, Analysis.DEFAULT_SRM_P);
        if (srm != null && srm < srmLimit) {
            return new Verdict(ExperimentPhase.SampleRatioMismatch, Reason.SampleRatioMismatch, String.format(
                    Locale.ROOT, "sample ratio mismatch: users %s against weights %s, chi-square p = %.2g < %s; "
                            + "no winner is declared (check the assignment, bots, or a variant failing to log)",
                    users(arms, counts), weights(arms), srm, srmLimit), null, srm, results);
        }
        long minUsers = or(a.minUsersPerVariant, Analysis.DEFAULT_MIN_USERS);
        long minSeconds = or(a.minDurationSeconds, Analysis.DEFAULT_MIN_SECONDS);
        long maxSeconds = or(a.maxDurationSeconds, Analysis.DEFAULT_MAX_SECONDS);
        boolean horizon = elapsed.toSeconds() >= maxSeconds;
        long fewest = arms.stream().mapToLong(x -> counts.getOrDefault(x.name(), Counts.NONE).exposed()).min()
                .orElse(0);
        if (elapsed.toSeconds() < minSeconds || fewest < minUsers) {
            if (horizon) {
                return new Verdict(ExperimentPhase.Inconclusive, Reason.ExperimentInconclusive, String.format(
                        Locale.ROOT, "maxDurationSeconds (%d) reached with %d users in the smallest variant "
                                + "(minUsersPerVariant %d)", maxSeconds, fewest, minUsers), null, srm, results);
            }
            return running(String.format(Locale.ROOT, "collecting: %d of %d users in the smallest variant, %d of "
                    + "%d s", fewest, minUsers, elapsed.toSeconds(), minSeconds), srm, results);
        }
        String drop = secondaryDrop(spec, arms, counts, c0, fixed, familyAlpha);
        if (drop != null) {
            return new Verdict(ExperimentPhase.Stopped, Reason.GuardrailBreached, drop, null, srm, results);
        }
        if (fixed && !horizon) {
            return running("fixed horizon: evaluated once at " + maxSeconds + " s", srm, results);
        }
        Result best = null;
        boolean allWorse = true;
        for (Result r : results) {
            if (r.vs() == null) {
                continue;
            }
            boolean significant = r.pValue() < familyAlpha;
            boolean better = significant && r.vs().difference() > 0;
            allWorse &= significant && r.vs().difference() < 0;
            if (better && (best == null || r.vs().difference() > best.vs().difference())) {
                best = r;
            }
        }
        String metric = name(primary);
        if (best != null) {
            return new Verdict(ExperimentPhase.Concluded, Reason.ExperimentConcluded, String.format(Locale.ROOT,
                    "%s beats %s on %s: %.4f vs %.4f, lift %s, p = %.3g < %.3g", best.arm().name(), control.name(),
                    metric, best.rate(), results.get(arms.indexOf(control)).rate(), lift(best.vs()), best.pValue(),
                    familyAlpha), best.arm().name(), srm, results);
        }
        if (allWorse) {
            return new Verdict(ExperimentPhase.Concluded, Reason.ExperimentConcluded, String.format(Locale.ROOT,
                    "every treatment is worse than %s on %s (p < %.3g)", control.name(), metric, familyAlpha),
                    control.name(), srm, results);
        }
        if (horizon) {
            return new Verdict(ExperimentPhase.Inconclusive, Reason.ExperimentInconclusive, String.format(
                    Locale.ROOT, "no significant difference on %s by maxDurationSeconds (%d s)", metric, maxSeconds),
                    null, srm, results);
        }
        return running("no significant difference on " + metric + " yet", srm, results);
    }

    private static Verdict running(String message, Double srm, List<Result> results) {
        return new Verdict(ExperimentPhase.Running, Reason.ExperimentRunning, message, null, srm, results);
    }

    static Comparison compare(boolean fixed, double alpha, Counts control, Counts treatment, Metric metric) {
        return fixed ? new FixedHorizonTest(alpha).compare(control.sample(metric), treatment.sample(metric))
                : new SequentialTest(alpha).compare(control.sample(metric), treatment.sample(metric));
    }

    /** Null while too few users for the chi-square approximation. */
    static Double srm(List<Arm> arms, Map<String, Counts> counts) {
        long[] users = new long[arms.size()];
        double[] weights = new double[arms.size()];
        long total = 0;
        int used = 0;
        for (Arm arm : arms) {
            if (arm.weight() == 0) {
                continue; // a variant at weight 0 gets no users by design; the test covers the others
            }
            users[used] = counts.getOrDefault(arm.name(), Counts.NONE).exposed();
            weights[used] = arm.weight();
            total += users[used];
            used++;
        }
        if (used < 2) {
            return null;
        }
        long[] u = java.util.Arrays.copyOf(users, used);
        double[] w = java.util.Arrays.copyOf(weights, used);
        double minWeight = java.util.Arrays.stream(w).min().orElse(0);
        if (total * minWeight / 100.0 < SRM_MIN_EXPECTED) {
            return null;
        }
        return SampleRatio.pValue(u, w);
    }

    /** The first breach, in words with the measured value; null when every variant is within its limits. */
    static String guardrails(ABExperimentSpec.Guardrails g, List<Arm> arms, Map<String, Counts.Health> health) {
        if (g == null) {
            return null;
        }
        for (Arm arm : arms) {
            Counts.Health h = health.getOrDefault(arm.name(), Counts.Health.NONE);
            if (g.p95LatencyMs != null && h.p95LatencyMs() != null && h.p95LatencyMs() > g.p95LatencyMs) {
                return String.format(Locale.ROOT, "guardrail: variant %s (version %d) p95 latency %.1f ms > %d ms",
                        arm.name(), arm.version(), h.p95LatencyMs(), g.p95LatencyMs);
            }
            if (g.maxErrorRate != null && h.errorRate() != null && h.errorRate() > g.maxErrorRate) {
                return String.format(Locale.ROOT, "guardrail: variant %s (version %d) error rate %.4f > %s",
                        arm.name(), arm.version(), h.errorRate(), g.maxErrorRate);
            }
            if (g.maxFallbackRate != null && h.fallbackRate() != null && h.fallbackRate() > g.maxFallbackRate) {
                return String.format(Locale.ROOT, "guardrail: variant %s fallback rate %.4f > %s", arm.name(),
                        h.fallbackRate(), g.maxFallbackRate);
            }
        }
        return null;
    }

    /** A treatment whose secondary metric dropped by more than allowed, with the upper end of its interval. */
    static String secondaryDrop(ABExperimentSpec spec, List<Arm> arms, Map<String, Counts> counts, Counts c0,
            boolean fixed, double alpha) {
        if (spec.guardrails == null || spec.guardrails.secondary == null) {
            return null;
        }
        var s = spec.guardrails.secondary;
        for (Arm arm : arms) {
            if (arm.control()) {
                continue;
            }
            Comparison c = compare(fixed, alpha, c0, counts.getOrDefault(arm.name(), Counts.NONE), s.metric);
            Double upper = c.liftUpper();
            if (upper != null && !upper.isNaN() && upper < -s.maxRelativeDrop) {
                return String.format(Locale.ROOT, "guardrail: variant %s %s lift %s, below the allowed drop of "
                        + "-%.1f%%", arm.name(), name(s.metric), lift(c), 100 * s.maxRelativeDrop);
            }
        }
        return null;
    }

    /** e.g. "+4.2% [+1.0%, +7.5%]". */
    public static String lift(Comparison c) {
        if (c == null || c.lift() == null || c.lift().isNaN()) {
            return "n/a";
        }
        return percent(c.lift()) + " [" + percent(c.liftLower()) + ", " + percent(c.liftUpper()) + "]";
    }

    public static String percent(Double x) {
        return x == null || x.isNaN() || x.isInfinite() ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", 100 * x);
    }

    static String name(Metric m) {
        return switch (m) {
            case CONVERSION -> "conversion";
            case CTR -> "ctr";
            case CLICKS_PER_USER -> "clicksPerUser";
        };
    }

    private static String users(List<Arm> arms, Map<String, Counts> counts) {
        return arms.stream().map(a -> Long.toString(counts.getOrDefault(a.name(), Counts.NONE).exposed()))
                .reduce((x, y) -> x + "/" + y).orElse("");
    }

    private static String weights(List<Arm> arms) {
        return arms.stream().map(a -> Integer.toString(a.weight())).reduce((x, y) -> x + "/" + y).orElse("");
    }

    private static double or(Double v, double d) {
        return v == null ? d : v;
    }

    private static long or(Long v, long d) {
        return v == null ? d : v;
    }
}
