package io.recoflow.operator.experiment.stats;

import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * Sample ratio mismatch: whether the users each variant got fit the configured weights (chi-square goodness of
 * fit, k - 1 degrees of freedom). A mismatch means assignment or exposure logging is broken, and then no
 * comparison of the variants can be trusted whatever its p-value.
 */
public final class SampleRatio {
    /**
     * Checked at every look and on a test whose failure stops the experiment, so far stricter than alpha: 0.001,
     * the threshold GrowthBook and the SRM literature (Fabijan et al., KDD 2019) use.
     */
    public static final double THRESHOLD = 0.001;

    private static final ChiSquareTest TEST = new ChiSquareTest();

    private SampleRatio() {
    }

    /**
     * @param users   observed users per variant
     * @param weights configured traffic per variant (percent; only their ratios matter)
     * @return the p-value; 1 with no users or fewer than two weighted variants (nothing to compare), 0 when a
     *     variant weighted 0 got users (no chance under the configuration)
     */
    public static double pValue(long[] users, double[] weights) {
        if (users.length != weights.length) {
            throw new IllegalArgumentException(users.length + " variants but " + weights.length + " weights");
        }
        int weighted = 0;
        long total = 0;
        for (int i = 0; i < users.length; i++) {
            if (users[i] < 0 || !(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("variant " + i + ": users " + users[i] + ", weight " + weights[i]);
            }
            if (weights[i] > 0) {
                weighted++;
            } else if (users[i] > 0) {
                return 0;
            }
            total += users[i];
        }
        if (total == 0 || weighted < 2) {
            return 1;
        }
        long[] observed = new long[weighted];
        double[] expected = new double[weighted];
        int j = 0;
        for (int i = 0; i < users.length; i++) {
            if (weights[i] > 0) {
                observed[j] = users[i];
                expected[j++] = weights[i];
            }
        }
        // ChiSquareTest scales expected to the observed total itself
        return TEST.chiSquareTest(expected, observed);
    }
}
