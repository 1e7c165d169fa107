package io.recoflow.benchmarks.experimentstats;

import io.recoflow.operator.experiment.stats.Comparison;
import io.recoflow.operator.experiment.stats.FixedHorizonTest;
import io.recoflow.operator.experiment.stats.Sample;
import io.recoflow.operator.experiment.stats.SampleRatio;
import io.recoflow.operator.experiment.stats.SequentialTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Simulated experiments against the operator's own A/B statistics (io.recoflow.operator.experiment.stats): A/A
 * false positives under continuous peeking, power and users to a decision at known lifts, and sample-ratio-mismatch
 * detection. Users arrive in batches; each batch is split between the variants by a binomial draw (so the split is
 * random, as a hash on user id makes it) and each variant's converting users are a binomial draw; the tests are
 * run after every batch, as the operator does every checkIntervalSeconds. Every experiment has its own seed, so the
 * results do not depend on the number of threads. Run by run.sh; the markdown goes to stdout and to --out.
 */
public final class StatsBenchmark {
    static final double ALPHA = 0.05;
    static final double BASE = 0.05;
    private static final double[] HALVES = {50, 50};

    private final int experiments;
    private final int batch;
    private final int looks;
    private final int srmExperiments;
    private final long seed;
    private final SequentialTest[] sequential;
    private final FixedHorizonTest fixed = new FixedHorizonTest(ALPHA);

    StatsBenchmark(int experiments, int batch, int looks, int srmExperiments, long seed) {
        this.experiments = experiments;
        this.batch = batch;
        this.looks = looks;
        this.srmExperiments = srmExperiments;
        this.seed = seed;
        // the default, and N* at the horizon (all users of both variants), where that tuning is narrowest
        this.sequential = new SequentialTest[] {
            new SequentialTest(ALPHA), new SequentialTest(ALPHA, (double) batch * looks)};
    }

    public static void main(String[] args) throws IOException {
        int experiments = 2000;
        int batch = 1000;
        int looks = 80;
        int srmExperiments = 100_000;
        long seed = 20261201;
        Path out = null;
        String command = "";
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--experiments" -> experiments = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--looks" -> looks = Integer.parseInt(value);
                case "--srm-experiments" -> srmExperiments = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--out" -> out = Path.of(value);
                case "--command" -> command = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long start = System.nanoTime();
        String tables = new StatsBenchmark(experiments, batch, looks, srmExperiments, seed).run();
        double wall = (System.nanoTime() - start) / 1e9;
        String report = "# A/B statistics (ABExperiment): simulated experiments\n\n"
                + String.format(Locale.ROOT, "Generated %s by `%s`; %d CPUs (nproc), simulation wall time %.1f s, "
                        + "seed %d.%n%n", Instant.now().truncatedTo(ChronoUnit.SECONDS), command,
                        Runtime.getRuntime().availableProcessors(), wall, seed)
                + tables;
        System.out.print(report);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
        }
    }

    String run() {
        var md = new StringBuilder();
        int horizon = batch * looks / 2;
        md.append(String.format(Locale.ROOT, "%,d experiments per row unless noted; %,d users per look (split "
                + "50/50 at random), %d looks, so about %,d users per variant at the horizon; alpha = %.2f, "
                + "two-sided. Sequential: mSPRT (`SequentialTest`), a decision at the first look with p < alpha "
                + "(the running minimum). Fixed: Welch z-test (`FixedHorizonTest`). Intervals on rates: "
                + "Clopper-Pearson 95 %%.%n%n", experiments, batch, looks, horizon, ALPHA));

        List<Outcome> aa = simulate(BASE, BASE, 1);
        md.append("## A/A: false positives (both variants convert at 5.0 %)\n\n");
        md.append("| test | looked at | false positives | rate | 95 % CI |\n|---|---|---:|---:|---|\n");
        for (int k = 0; k < sequential.length; k++) {
            int kk = k;
            md.append(rateRow(sequentialName(k), "every look",
                    count(aa, o -> o.sequentialLook[kk] >= 0), aa.size()));
        }
        md.append(rateRow("fixed z-test (naive peeking)", "every look", count(aa, o -> o.fixedLook >= 0), aa.size()));
        md.append(rateRow("fixed z-test", "once, at the horizon", count(aa, o -> o.fixedAtHorizon != 0), aa.size()));
        md.append('\n');

        md.append("## Power and users to a decision\n\n");
        md.append("Power: a significant result in the right direction by the horizon. Users: per variant at the "
                + "decision, median (25th-75th percentile) over the experiments that decided; the fixed test "
                + "always takes the whole horizon.\n\n");
        md.append("| conversion | test | power | 95 % CI | users per variant to a decision | wrong-sign decisions |\n"
                + "|---|---|---:|---|---:|---:|\n");
        double[][] lifts = {{BASE, 0.055}, {BASE, 0.06}};
        for (int s = 0; s < lifts.length; s++) {
            double pc = lifts[s][0];
            double pt = lifts[s][1];
            List<Outcome> runs = simulate(pc, pt, 2 + s);
            String label = String.format(Locale.ROOT, "%.1f %% -> %.1f %% (+%.0f %%)", 100 * pc, 100 * pt,
                    100 * (pt - pc) / pc);
            for (int k = 0; k < sequential.length; k++) {
                int kk = k;
                int right = count(runs, o -> o.sequentialLook[kk] >= 0 && o.sequentialSign[kk] > 0);
                int wrong = count(runs, o -> o.sequentialLook[kk] >= 0 && o.sequentialSign[kk] < 0);
                double[] users = runs.stream().filter(o -> o.sequentialLook[kk] >= 0)
                        .mapToDouble(o -> o.sequentialUsers[kk]).sorted().toArray();
                md.append(powerRow(label, sequentialName(k), right, runs.size(), quartiles(users), wrong));
            }
            int right = count(runs, o -> o.fixedAtHorizon > 0);
            int wrong = count(runs, o -> o.fixedAtHorizon < 0);
            md.append(powerRow(label, "fixed z-test, once at the horizon", right, runs.size(),
                    String.format(Locale.ROOT, "%,d", horizon), wrong));
        }
        md.append('\n');

        md.append(String.format(Locale.ROOT, "## Sample ratio mismatch (configured 50/50, alarm at srm p < %s)%n%n",
                SampleRatio.THRESHOLD));
        md.append(String.format(Locale.ROOT, "%,d experiments per row, checked once at the given size; the last "
                + "row checks the A/A runs above at every look.%n%n", srmExperiments));
        md.append("| users in total | served | alarms | rate | 95 % CI |\n|---:|---|---:|---:|---|\n");
        int[] sizes = {2_000, 10_000, 50_000};
        double[] served = {0.52, 0.50};
        for (double q : served) {
            for (int n : sizes) {
                int alarms = srm(n, q, seedFor(10 + (int) Math.round(q * 100), n));
                md.append(String.format(Locale.ROOT, "| %,d | %.0f/%.0f | %s |%n", n, 100 * q, 100 - 100 * q,
                        rate(alarms, srmExperiments)));
            }
        }
        md.append(String.format(Locale.ROOT, "| up to %,d, at each of %d looks | 50/50 | %s |%n", batch * looks, looks,
                rate(count(aa, o -> o.srmLook >= 0), aa.size())));
        return md.toString();
    }

    private String sequentialName(int k) {
        double tuning = sequential[k].tuning();
        return String.format(Locale.ROOT, "sequential, N* = %,.0f%s", tuning,
                tuning == SequentialTest.DEFAULT_TUNING ? " (default)" : " (= horizon)");
    }

    /** One simulated experiment's decisions. Looks are 0-based; -1 means never. */
    static final class Outcome {
        final int[] sequentialLook;
        final int[] sequentialSign;
        final double[] sequentialUsers;
        int fixedLook = -1;
        /** sign of a significant difference at the horizon, 0 when not significant */
        int fixedAtHorizon;
        int srmLook = -1;

        Outcome(int tests) {
            sequentialLook = new int[tests];
            Arrays.fill(sequentialLook, -1);
            sequentialSign = new int[tests];
            sequentialUsers = new double[tests];
        }
    }

    List<Outcome> simulate(double pc, double pt, int scenario) {
        return IntStream.range(0, experiments).parallel()
                .mapToObj(i -> experiment(pc, pt, new Well19937c(seedFor(scenario, i))))
                .toList();
    }

    private Outcome experiment(double pc, double pt, RandomGenerator rng) {
        var o = new Outcome(sequential.length);
        long nc = 0;
        long nt = 0;
        long xc = 0;
        long xt = 0;
        Double[] running = new Double[sequential.length];
        for (int look = 0; look < looks; look++) {
            int toControl = new BinomialDistribution(rng, batch, 0.5).sample();
            nc += toControl;
            nt += batch - toControl;
            xc += new BinomialDistribution(rng, toControl, pc).sample();
            xt += new BinomialDistribution(rng, batch - toControl, pt).sample();
            var c = Sample.proportion(nc, xc);
            var t = Sample.proportion(nt, xt);
            for (int k = 0; k < sequential.length; k++) {
                if (o.sequentialLook[k] >= 0) {
                    continue;
                }
                Comparison r = sequential[k].compare(c, t);
                running[k] = SequentialTest.runningMin(running[k], r.pValue());
                if (running[k] < ALPHA) {
                    o.sequentialLook[k] = look;
                    o.sequentialSign[k] = (int) Math.signum(r.difference());
                    o.sequentialUsers[k] = (nc + nt) / 2.0;
                }
            }
            Comparison f = fixed.compare(c, t);
            if (o.fixedLook < 0 && f.significant()) {
                o.fixedLook = look;
            }
            if (look == looks - 1 && f.significant()) {
                o.fixedAtHorizon = (int) Math.signum(f.difference());
            }
            if (o.srmLook < 0 && SampleRatio.pValue(new long[] {nc, nt}, HALVES) < SampleRatio.THRESHOLD) {
                o.srmLook = look;
            }
        }
        return o;
    }

    private int srm(int users, double toControl, long base) {
        return (int) IntStream.range(0, srmExperiments).parallel().filter(i -> {
            var rng = new Well19937c(base + i);
            long control = new BinomialDistribution(rng, users, toControl).sample();
            return SampleRatio.pValue(new long[] {control, users - control}, HALVES) < SampleRatio.THRESHOLD;
        }).count();
    }

    private long seedFor(int scenario, long i) {
        return seed * 1_000_003L + scenario * 100_000_007L + i;
    }

    private static int count(List<Outcome> runs, Predicate<Outcome> p) {
        return (int) runs.stream().filter(p).count();
    }

    private static String rateRow(String test, String looked, int hits, int n) {
        return String.format(Locale.ROOT, "| %s | %s | %s |%n", test, looked, rate(hits, n));
    }

    private static String powerRow(String label, String test, int right, int n, String users, int wrong) {
        double[] ci = clopperPearson(right, n);
        return String.format(Locale.ROOT, "| %s | %s | %.3f | [%.3f, %.3f] | %s | %d |%n", label, test,
                (double) right / n, ci[0], ci[1], users, wrong);
    }

    /** "hits/n | rate | [lo, hi]" */
    private static String rate(int hits, int n) {
        double[] ci = clopperPearson(hits, n);
        int digits = hits < 0.01 * n ? 4 : 3;
        String f = "%." + digits + "f";
        return String.format(Locale.ROOT, "%,d / %,d | " + f + " | [" + f + ", " + f + "]", hits, n,
                (double) hits / n, ci[0], ci[1]);
    }

    /** Exact (Clopper-Pearson) 95 % interval for a binomial rate, from the beta quantiles. */
    static double[] clopperPearson(int hits, int n) {
        double lo = hits == 0 ? 0 : new BetaDistribution(null, hits, n - hits + 1).inverseCumulativeProbability(0.025);
        double hi = hits == n ? 1 : new BetaDistribution(null, hits + 1, n - hits).inverseCumulativeProbability(0.975);
        return new double[] {lo, hi};
    }

    private static String quartiles(double[] sorted) {
        if (sorted.length == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f (%,.0f-%,.0f)", quantile(sorted, 0.5), quantile(sorted, 0.25),
                quantile(sorted, 0.75));
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
