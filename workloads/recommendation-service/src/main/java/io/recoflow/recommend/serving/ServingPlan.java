package io.recoflow.recommend.serving;

import io.recoflow.common.contract.Buckets;
import io.recoflow.common.contract.Serving;
import io.recoflow.common.contract.ServingConfig;
import java.util.Objects;

/**
 * The canary split of one {@link ServingConfig}, ready to route: a user whose bucket
 * ({@link Buckets#of}{@code (salt, userId)}, 0..9999) is below {@code canaryWeight * 100} goes to {@code canary},
 * everyone else to {@code stable}.
 *
 * <p>The salt is {@code "canary:" + model + ":" + canary}: the same canary keeps its users while its weight ramps up
 * (10% -> 30% only adds users), and a new canary version draws a fresh sample, so one unlucky group of users does
 * not test every release. The experiment salt is different, so the split is independent of A/B variants.
 */
public final class ServingPlan {
    private final ServingConfig config;
    private final String salt;
    private final int canaryBuckets;

    private ServingPlan(ServingConfig config, int canaryWeight) {
        this.config = Objects.requireNonNull(config);
        this.salt = salt(config.model(), config.canary());
        this.canaryBuckets = config.canary() == null ? 0 : canaryWeight * (Buckets.COUNT / 100);
    }

    public static ServingPlan of(ServingConfig config) {
        return new ServingPlan(config, config.canaryWeight());
    }

    static String salt(String model, Long canary) {
        return "canary:" + model + ":" + canary;
    }

    /** The same versions with every user on stable: what routes while the canary is not loaded and warmed yet. */
    public ServingPlan withoutCanaryTraffic() {
        return canaryBuckets == 0 ? this : new ServingPlan(config, 0);
    }

    public ServingConfig config() {
        return config;
    }

    public long stable() {
        return config.stable();
    }

    /** The canary version, null when there is none. */
    public Long canary() {
        return config.canary();
    }

    /** The percentage of users this plan actually sends to the canary (0 while the canary is not loaded yet). */
    public int canaryWeight() {
        return canaryBuckets / (Buckets.COUNT / 100);
    }

    public boolean toCanary(String userId) {
        return canaryBuckets > 0 && Buckets.of(salt, userId) < canaryBuckets;
    }

    /** The version that scores this user. */
    public long route(String userId) {
        return toCanary(userId) ? config.canary() : config.stable();
    }

    /** TF Serving's label for a version of this plan ({@code stable} wins a tie), null for any other version. */
    public String label(long version) {
        if (version == config.stable()) {
            return Serving.STABLE_LABEL;
        }
        return config.canary() != null && version == config.canary() ? Serving.CANARY_LABEL : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServingPlan p && p.canaryBuckets == canaryBuckets && p.config.equals(config);
    }

    @Override
    public int hashCode() {
        return config.hashCode() * 31 + canaryBuckets;
    }

    @Override
    public String toString() {
        return "stable " + config.stable() + (config.canary() == null ? ""
                : ", canary " + config.canary() + " at " + canaryWeight() + "%");
    }
}
