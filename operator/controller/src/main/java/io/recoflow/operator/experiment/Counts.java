package io.recoflow.operator.experiment;

import io.recoflow.operator.api.experiment.ABExperimentSpec.Metric;
import io.recoflow.operator.experiment.stats.Sample;

/**
 * What the feature worker counted for one variant, users as the unit: distinct exposed, clicking and converting
 * users, and the clicks with their per-user sum of squares (for clicks per user).
 */
public record Counts(long exposed, long clicked, long converted, double clicks, double clicksSquared) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0);

    /** The per-user sample of a metric. */
    public Sample sample(Metric metric) {
        return switch (metric) {
            case CONVERSION -> Sample.proportion(exposed, converted);
            case CTR -> Sample.proportion(exposed, clicked);
            case CLICKS_PER_USER -> new Sample(exposed, clicks, clicksSquared);
        };
    }

    /** The metric's outcome count: users for the two shares, clicks for clicks per user. */
    public long outcomes(Metric metric) {
        return switch (metric) {
            case CONVERSION -> converted;
            case CTR -> clicked;
            case CLICKS_PER_USER -> Math.round(clicks);
        };
    }

    /** A variant's serving health over the guardrail window; a null value is not measured (yet). */
    public record Health(Double p95LatencyMs, Double errorRate, Double fallbackRate) {
        public static final Health NONE = new Health(null, null, null);
    }
}
