package io.recoflow.collector;

import io.recoflow.common.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The one place that talks to the Kafka admin API: creates the events topic when missing and answers the health
 * probe. Startup never waits for Kafka: creation is retried by every readiness probe until it succeeds.
 */
@Component
class KafkaTopics implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

    private final Admin admin;
    private final CollectorProperties props;
    private final AtomicBoolean ensured = new AtomicBoolean();

    KafkaTopics(CollectorProperties props) {
        this.props = props;
        int timeout = (int) props.healthTimeout().toMillis();
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "event-collector-admin",
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
                log.warn("event=topic_create_deferred topic={} reason={}", Topics.EVENTS, e.toString());
            }
        }, "collector-topic-init");
        t.setDaemon(true);
        t.start();
    }

    /** Creates the events topic if it does not exist; cheap once it succeeded. */
    void ensure() throws Exception {
        if (ensured.get()) {
            return;
        }
        NewTopic topic = new NewTopic(Topics.EVENTS, props.topicPartitions(), props.topicReplication());
        try {
            admin.createTopics(List.of(topic)).all().get(props.healthTimeout().toMillis(), TimeUnit.MILLISECONDS);
            log.info("event=topic_created topic={} partitions={} replication={}",
                    Topics.EVENTS, props.topicPartitions(), props.topicReplication());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        ensured.set(true);
    }

    /** Cluster id and broker count, or an exception when Kafka does not answer within the health timeout. */
    Cluster describe() throws Exception {
        Duration t = props.healthTimeout();
        DescribeClusterResult r = admin.describeCluster();
        String id = r.clusterId().get(t.toMillis(), TimeUnit.MILLISECONDS);
        int brokers = r.nodes().get(t.toMillis(), TimeUnit.MILLISECONDS).size();
        return new Cluster(id, brokers);
    }

    record Cluster(String id, int brokers) {}

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
