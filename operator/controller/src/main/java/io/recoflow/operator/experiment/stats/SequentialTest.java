package io.recoflow.operator.experiment.stats;

/**
 * Always-valid inference on the difference of means, for experiments that are looked at every
 * {@code checkIntervalSeconds}: the mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis
 * and Walsh, "Peeking at A/B Tests: Why it matters, and what to do about it" (KDD 2017), with a normal mixture
 * N(0, tau^2) over the effect. With the estimate d ~ N(theta, V), V the Welch variance of the difference, the
 * likelihood ratio of theta against 0 mixed over that prior is
 * <pre>  L = sqrt(V / (V + tau^2)) * exp(tau^2 d^2 / (2 V (V + tau^2)))</pre>
 * L is a martingale under theta = 0, so by Ville's inequality P(L ever reaches 1/alpha) <= alpha however often and
 * whenever one looks; p = min(1, 1/L). The interval is the set of theta whose L(d - theta) is below 1/alpha, the
 * same mixture, so p < alpha exactly when the interval excludes 0. Both come from one formula (see
 * {@link #compare}); nothing depends on when or how often the caller looks.
 *
 * <p>Tuning: tau^2 = rho^2 s^2 with s^2 = V (n_c + n_t), V scaled back to one user, so the prior is on the effect in
 * per-user standard deviations and one setting serves conversion and clicks per user alike. rho^2 =
 * (2 ln(1/alpha) + ln(2 ln(1/alpha) + 1)) / N* makes the interval narrowest at N* users in total (Howard, Ramdas,
 * McAuliffe and Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist. 2021);
 * this is the boundary GrowthBook's sequential testing uses, and N* is its {@code sequentialTuningParameter}.
 * Default {@value #DEFAULT_TUNING}, GrowthBook's: early decisions on large effects cost a wider interval late;
 * set N* near the users an experiment is expected to reach for the most power there. The variances are estimated
 * (normal approximation, like the fixed test), so validity is asymptotic; the benchmark in
 * benchmarks/experiment-stats measures it under peeking.
 */
public final class SequentialTest {
    public static final double DEFAULT_TUNING = 5000;

    private final double alpha;
    private final double tuning;
    private final double rho2;

    public SequentialTest(double alpha) {
        this(alpha, DEFAULT_TUNING);
    }

    /** @param tuning N*, the total users (all variants compared) at which the interval is narrowest. */
    public SequentialTest(double alpha, double tuning) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (!(tuning > 0) || Double.isInfinite(tuning)) {
            throw new IllegalArgumentException("tuning must be > 0, got " + tuning);
        }
        this.alpha = alpha;
        this.tuning = tuning;
        double k = 2 * Math.log(1 / alpha);
        this.rho2 = (k + Math.log(k + 1)) / tuning;
    }

    public double alpha() {
        return alpha;
    }

    public double tuning() {
        return tuning;
    }

    /**
     * This look's p-value and interval; p is the instantaneous one, which the caller folds into its running
     * minimum with {@link #runningMin}.
     */
    public Comparison compare(Sample control, Sample treatment) {
        double v = Comparison.variance(control, treatment);
        if (!(v > 0) || Double.isInfinite(v)) {
            return Comparison.undefined(control, treatment, alpha);
        }
        double d = treatment.mean() - control.mean();
        // x = tau^2 / V; in it L = exp(x z^2 / (2 (x + 1))) / sqrt(x + 1) with z^2 = d^2 / V
        double x = rho2 * (control.users() + treatment.users());
        double z2 = d * d / v;
        double logL = x * z2 / (2 * (x + 1)) - 0.5 * Math.log1p(x);
        double p = Math.min(1, Math.exp(-logL));
        // the theta with log L(d - theta) = ln(1/alpha)
        double halfWidth = Math.sqrt(v * (x + 1) / x * (2 * Math.log(1 / alpha) + Math.log1p(x)));
        return Comparison.of(control, treatment, halfWidth, p, alpha);
    }

    /**
     * The always-valid p-value after this look: the least of all looks' (p_n = min(p_{n-1}, now)), so that a
     * decision once reached is not withdrawn by later noise. {@code previous} is null before the first look.
     */
    public static double runningMin(Double previous, double now) {
        if (Double.isNaN(now)) {
            return previous == null ? 1 : previous;
        }
        return previous == null ? now : Math.min(previous, now);
    }
}
