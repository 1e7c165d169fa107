package io.recoflow.recommend.web;

import io.recoflow.recommend.features.FeatureStore;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Redis reachability. Shown in /actuator/health but kept out of readiness by default: without Redis the service
 * still answers (popularity fallback), and taking every pod out of the Service would turn degraded into down.
 */
@Component("redis")
public class RedisHealth implements HealthIndicator {
    private final FeatureStore store;

    public RedisHealth(FeatureStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        return store.ping() ? Health.up().build()
                : Health.down().withDetail("impact", "recommendations degrade to the popularity fallback").build();
    }
}
