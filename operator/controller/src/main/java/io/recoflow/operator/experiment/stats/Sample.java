package io.recoflow.operator.experiment.stats;

/**
 * One variant's primary metric as Prometheus gives it: exposed users, and the sum and sum of squares of the
 * per-user value over them. A 0/1 metric (conversion, CTR) has sum = sumSquares = converting users.
 */
public record Sample(long users, double sum, double sumSquares) {

    public Sample {
        if (users < 0) {
            throw new IllegalArgumentException("users must be >= 0, got " + users);
        }
    }

    public static Sample proportion(long users, long successes) {
        return new Sample(users, successes, successes);
    }

    /** Mean per-user value; 0 with no users, so an empty variant never puts NaN into status. */
    public double mean() {
        return users == 0 ? 0 : sum / users;
    }

    /**
     * Plug-in per-user variance (divides by n, not n - 1): for a 0/1 metric it is exactly p(1 - p), as in the
     * textbook two-proportion z-test, and the n - 1 correction is below 0.1 % from 1,000 users on. Clamped at 0
     * against rounding and against counters scraped a moment apart (successes > users).
     */
    public double variance() {
        if (users == 0) {
            return 0;
        }
        double mean = mean();
        return Math.max(0, sumSquares / users - mean * mean);
    }
}
