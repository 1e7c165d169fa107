package io.recoflow.recommend.web;

import io.recoflow.recommend.model.ModelRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Ready only once a model version is loaded and warmed up (readiness group). */
@Component("model")
public class ModelHealth implements HealthIndicator {
    private final ModelRegistry models;

    public ModelHealth(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public Health health() {
        long v = models.latestVersion();
        return v > 0
                ? Health.up().withDetail("version", v).withDetail("loaded", models.loadedVersions()).build()
                : Health.down().withDetail("reason", "no complete model version loaded yet").build();
    }
}
