package io.recoflow.common.contract;

import java.util.List;

/**
 * An experiment's users split into its variants: {@link Buckets#of}{@code (salt, userId)} against the cumulative
 * weights, precomputed so one assignment is a hash and a short scan. The recommendation service routes by it and
 * the feature worker attributes outcomes by it, so both put every user in the same variant.
 */
public final class Assigner {
    private final ExperimentConfig.Experiment experiment;
    private final String salt;
    private final int[] upper;

    /** @param experiment a valid one ({@link ExperimentConfig#validate()}): variants, weights summing above 0 */
    public Assigner(ExperimentConfig.Experiment experiment) {
        List<ExperimentConfig.Variant> variants = experiment.variants();
        double total = variants.stream().mapToDouble(ExperimentConfig.Variant::weight).sum();
        if (variants.isEmpty() || !(total > 0)) {
            throw new IllegalArgumentException("experiment " + experiment.name() + " has no weighted variant");
        }
        this.experiment = experiment;
        this.salt = experiment.effectiveSalt();
        this.upper = new int[variants.size()];
        double cum = 0;
        for (int i = 0; i < upper.length; i++) {
            cum += variants.get(i).weight();
            upper[i] = (int) Math.round(cum / total * Buckets.COUNT);
        }
        upper[upper.length - 1] = Buckets.COUNT; // rounding must not leave the last buckets unassigned
    }

    public ExperimentConfig.Experiment experiment() {
        return experiment;
    }

    /** The user's variant as an index into {@code experiment().variants()}. */
    public int index(String userId) {
        int b = Buckets.of(salt, userId);
        for (int i = 0; i < upper.length; i++) {
            if (b < upper[i]) {
                return i;
            }
        }
        throw new IllegalStateException("bucket " + b + " outside " + Buckets.COUNT);
    }

    public ExperimentConfig.Variant variant(String userId) {
        return experiment.variants().get(index(userId));
    }
}
