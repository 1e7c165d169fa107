package io.recoflow.featureworker;

import io.recoflow.common.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The worker's Kafka admin: creates the events topic and its DLT when missing and answers the health probe.
 * Startup never waits for Kafka: creation is retried by every readiness probe until it succeeds.
 */
@Component
class KafkaTopics implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

    private final Admin admin;
    private final WorkerProperties props;
    private final AtomicBoolean ensured = new AtomicBoolean();

    KafkaTopics(WorkerProperties props) {
        this.props = props;
        int timeout = (int) props.healthTimeout().toMillis();
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "feature-worker-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        Thread t = new Thread(() -> {
            try {
                ensure();
            } catch (Exception e) {
                log.warn("event=topic_create_deferred reason={}", e.toString());
            }
        }, "worker-topic-init");
        t.setDaemon(true);
        t.start();
    }

    void ensure() throws Exception {
        if (ensured.get()) {
            return;
        }
        CreateTopicsResult r = admin.createTopics(List.of(
                new NewTopic(Topics.EVENTS, props.topicPartitions(), props.topicReplication()),
                new NewTopic(Topics.EVENTS_DLT, props.topicPartitions(), props.topicReplication())));
        for (var f : r.values().entrySet()) {
            try {
                f.getValue().get(props.healthTimeout().toMillis(), TimeUnit.MILLISECONDS);
                log.info("event=topic_created topic={} partitions={}", f.getKey(), props.topicPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        ensured.set(true);
    }

    /** Broker count, or an exception when Kafka does not answer within the health timeout. */
    int brokers() throws Exception {
        return admin.describeCluster().nodes().get(props.healthTimeout().toMillis(), TimeUnit.MILLISECONDS).size();
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
