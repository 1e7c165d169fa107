package io.recoflow.lakesink;

import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code kafka} and {@code targets} health, both in the readiness group: without either nothing becomes durable.
 * Kafka is UP when the cluster answers and the consumer loop is polling; targets is UP when every bucket/container
 * answers.
 */
@Configuration
class HealthIndicators {

    @Bean(destroyMethod = "close")
    Admin sinkAdmin(SinkProperties props) {
        return Admin.create(KafkaClients.admin(props));
    }

    @Bean("kafka")
    HealthIndicator kafkaHealth(Admin sinkAdmin, SinkLoop loop, SinkProperties props) {
        return new Probe(b -> {
            DescribeClusterResult r = sinkAdmin.describeCluster();
            int brokers = r.nodes().get(props.healthTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .size();
            if (!loop.polling(props.healthTimeout().plus(props.retryMax()))) {
                b.down().withDetail("brokers", brokers).withDetail("error", "consumer loop is not polling");
                return;
            }
            b.up().withDetail("brokers", brokers);
        });
    }

    @Bean("targets")
    HealthIndicator targetsHealth(List<ObjectStore> objectStores) {
        return new Probe(b -> {
            for (ObjectStore s : objectStores) {
                s.check();
                b.withDetail(s.target().toString(), "UP");
            }
            b.up();
        });
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
