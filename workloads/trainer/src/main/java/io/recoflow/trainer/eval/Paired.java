package io.recoflow.trainer.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Paired comparison of two models on the same users: the mean per-user difference of a metric and its percentile
 * bootstrap confidence interval (users resampled with replacement; fixed seed, so a run is reproducible). Pairing
 * matters here: most of the spread of NDCG is between users, and both models see the same users.
 */
public final class Paired {
    /** Resamples used by the evaluator. */
    public static final int RESAMPLES = 2_000;
    /** Seed used by the evaluator. */
    public static final long SEED = 42;

    private Paired() {}

    /**
     * @param mean mean of a − b over users
     * @param lo lower end of the 95 % interval
     * @param hi upper end of the 95 % interval
     */
    public record Diff(double mean, double lo, double hi) {
        /** The whole interval is above 0. */
        public boolean above() {
            return lo > 0;
        }
    }

    /**
     * Mean of {@code a[u] − b[u]} and its 95 % percentile bootstrap interval: {@code resamples} means of n users drawn
     * with replacement, sorted; lo and hi are the nearest-rank 2.5 % and 97.5 % quantiles (sorted[⌈0.025·B⌉ − 1],
     * sorted[⌈0.975·B⌉ − 1]).
     */
    public static Diff bootstrap(double[] a, double[] b, int resamples, long seed) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired samples differ in size: " + a.length + " vs " + b.length);
        }
        if (a.length == 0 || resamples < 1) {
            throw new IllegalArgumentException("need at least one user and one resample");
        }
        int n = a.length;
        double[] d = new double[n];
        double sum = 0;
        for (int u = 0; u < n; u++) {
            d[u] = a[u] - b[u];
            sum += d[u];
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += d[rnd.nextInt(n)];
            }
            means[r] = s / n;
        }
        Arrays.sort(means);
        return new Diff(sum / n, means[rank(0.025, resamples)], means[rank(0.975, resamples)]);
    }

    private static int rank(double q, int n) {
        return Math.max(0, (int) Math.ceil(q * n) - 1);
    }
}
