package io.recoflow.collector;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** {@code kafka} health: the cluster answers and the events topic exists. Part of the readiness group. */
@Component("kafka")
class KafkaHealthIndicator extends AbstractHealthIndicator {
    private final KafkaTopics topics;
    private final String topic;

    KafkaHealthIndicator(KafkaTopics topics, CollectorProperties props) {
        super("Kafka not reachable");
        this.topics = topics;
        this.topic = props.topic();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        try {
            KafkaTopics.Cluster c = topics.describe();
            topics.ensure();
            builder.up().withDetail("clusterId", c.id()).withDetail("brokers", c.brokers())
                    .withDetail("topic", topic);
        } catch (Exception e) {
            // A down broker is an expected state here, not a stack trace per probe.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            builder.down().withDetail("error", cause.getClass().getSimpleName());
        }
    }
}
