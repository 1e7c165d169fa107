package io.recoflow.featureworker;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code kafka} and {@code redis} health, both in the readiness group: without either no feature is written. */
@Configuration
class HealthIndicators {

    @Bean("kafka")
    HealthIndicator kafkaHealth(KafkaTopics topics) {
        return new Probe(b -> {
            int brokers = topics.describe().brokers();
            topics.ensure();
            b.up().withDetail("brokers", brokers);
        });
    }

    @Bean("redis")
    HealthIndicator redisHealth(FeatureStore store) {
        return new Probe(b -> b.up().withDetail("ping", store.ping()));
    }

    @FunctionalInterface
    interface Check {
        void run(Health.Builder builder) throws Exception;
    }

    /** A dependency being down is an expected state here: DOWN with the error class, not a stack trace per probe. */
    static final class Probe extends AbstractHealthIndicator {
        private final Check check;

        Probe(Check check) {
            this.check = check;
        }

        @Override
        protected void doHealthCheck(Health.Builder builder) {
            try {
                check.run(builder);
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                builder.down().withDetail("error", cause.getClass().getSimpleName());
            }
        }
    }
}
