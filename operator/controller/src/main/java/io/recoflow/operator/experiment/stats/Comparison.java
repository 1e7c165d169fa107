package io.recoflow.operator.experiment.stats;

/**
 * Treatment against control on one metric, at one look.
 *
 * <p>{@code lower}/{@code upper} bound the absolute difference (treatment - control) at level 1 - alpha; they are
 * null when the data say nothing yet (a variant with fewer than 2 users, or no variance in either), and then
 * {@code pValue} is 1. {@code lift} is (t - c) / c and its bounds are the absolute bounds divided by the control
 * mean, i.e. the control mean is taken as known. That keeps the lift interval excluding 0 exactly when the
 * absolute one does, so it never contradicts the p-value. It matches the delta-method interval as the lift goes
 * to 0; the delta method is wider by about lift / 2 (5 % at a 10 % lift, equal variances) as it also counts the
 * noise of the control mean it divides by. {@code lift} is null when the control mean is 0 (no relative change
 * from nothing), its bounds also when the interval is. Nothing here is NaN.
 */
public record Comparison(
        double controlMean,
        double treatmentMean,
        double difference,
        Double lower,
        Double upper,
        Double lift,
        Double liftLower,
        Double liftUpper,
        double pValue,
        double alpha) {

    /** The test's own decision: p < alpha, which for both tests here is the interval excluding 0. */
    public boolean significant() {
        return pValue < alpha;
    }

    /** Variance of the difference of means (Welch: each variant its own variance); 0 when it says nothing. */
    static double variance(Sample control, Sample treatment) {
        if (control.users() < 2 || treatment.users() < 2) {
            return 0;
        }
        return control.variance() / control.users() + treatment.variance() / treatment.users();
    }

    static Comparison of(Sample control, Sample treatment, double halfWidth, double pValue, double alpha) {
        double c = control.mean();
        double d = treatment.mean() - c;
        double lower = d - halfWidth;
        double upper = d + halfWidth;
        Double lift = null;
        Double liftLower = null;
        Double liftUpper = null;
        if (c != 0) {
            lift = d / c;
            liftLower = Math.min(lower / c, upper / c);
            liftUpper = Math.max(lower / c, upper / c);
        }
        return new Comparison(c, treatment.mean(), d, lower, upper, lift, liftLower, liftUpper, pValue, alpha);
    }

    static Comparison undefined(Sample control, Sample treatment, double alpha) {
        double c = control.mean();
        double d = treatment.mean() - c;
        return new Comparison(c, treatment.mean(), d, null, null, c == 0 ? null : d / c, null, null, 1, alpha);
    }
}
