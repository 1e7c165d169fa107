package io.recoflow.operator.experiment.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Two-sample z-test on the difference of means with Welch's variance (each variant its own) and the normal
 * approximation: two-sided p-value and 1 - alpha interval. Valid once, at a horizon fixed in advance; looked at
 * repeatedly its false-positive rate grows with every look (benchmarks/experiment-stats measures how much), which
 * is why {@link SequentialTest} is what the operator checks while an experiment runs.
 */
public final class FixedHorizonTest {
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private final double alpha;
    private final double z;

    public FixedHorizonTest(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        this.alpha = alpha;
        this.z = NORMAL.inverseCumulativeProbability(1 - alpha / 2);
    }

    public double alpha() {
        return alpha;
    }

    public Comparison compare(Sample control, Sample treatment) {
        double v = Comparison.variance(control, treatment);
        if (!(v > 0) || Double.isInfinite(v)) {
            return Comparison.undefined(control, treatment, alpha);
        }
        double se = Math.sqrt(v);
        double d = treatment.mean() - control.mean();
        // the upper tail directly: 1 - cdf would round to 0 beyond |z| of about 8
        double p = Math.min(1, 2 * NORMAL.cumulativeProbability(-Math.abs(d) / se));
        return Comparison.of(control, treatment, z * se, p, alpha);
    }
}
