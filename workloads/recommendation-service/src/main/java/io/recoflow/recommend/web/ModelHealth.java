package io.recoflow.recommend.web;

import io.recoflow.recommend.model.ModelRegistry;
import io.recoflow.recommend.serving.ServingPlan;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Ready only once a model version is loaded and warmed up (readiness group); with a serving file, once its stable
 * version is loaded and routed. A canary that is still loading (or failed) does not take the pod out of the Service:
 * its users are served by stable meanwhile, and {@code pending} / {@code recoflow_serving_pending} say so.
 */
@Component("model")
public class ModelHealth implements HealthIndicator {
    private final ModelRegistry models;

    public ModelHealth(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public Health health() {
        if (models.servingEnabled()) {
            ServingPlan p = models.activePlan();
            if (p == null) {
                return Health.down().withDetail("reason", "the serving file's stable version is not loaded yet")
                        .withDetail("loaded", models.loadedVersions()).build();
            }
            Health.Builder b = Health.up().withDetail("stable", p.stable());
            if (p.canary() != null) {
                b.withDetail("canary", p.canary()).withDetail("canaryWeight", p.canaryWeight());
            }
            return b.withDetail("pending", models.servingPending()).withDetail("loaded", models.loadedVersions()).build();
        }
        long v = models.latestVersion();
        return v > 0
                ? Health.up().withDetail("version", v).withDetail("loaded", models.loadedVersions()).build()
                : Health.down().withDetail("reason", "no complete model version loaded yet").build();
    }
}
