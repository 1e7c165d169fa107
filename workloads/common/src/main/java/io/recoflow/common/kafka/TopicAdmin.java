package io.recoflow.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a workload talks to the Kafka admin API: creates its topics when missing and answers the health
 * probe. Start-up never waits for Kafka: {@link #ensureInBackground} tries once, and every readiness probe retries
 * {@link #ensure} until it succeeds (then it is free). Topics that exist already (a FeaturePipeline's operator
 * creates them) are not created again, so a client without the create permission works once they exist.
 */
public class TopicAdmin implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    private final Admin admin;
    private final Duration timeout;
    private final List<NewTopic> topics;
    private final AtomicBoolean ensured = new AtomicBoolean();

    public TopicAdmin(String bootstrapServers, String clientId, Duration timeout, List<NewTopic> topics) {
        this(Map.of(), bootstrapServers, clientId, timeout, topics);
    }

    /** @param client entries merged into the admin client's config first ({@link ClientProperties}: TLS, SASL) */
    public TopicAdmin(Map<String, Object> client, String bootstrapServers, String clientId, Duration timeout,
            List<NewTopic> topics) {
        this.timeout = timeout;
        this.topics = List.copyOf(topics);
        int ms = (int) timeout.toMillis();
        Map<String, Object> c = new HashMap<>(client);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.admin = Admin.create(c);
    }

    /** Creates the topics that do not exist yet; cheap once it succeeded. */
    public void ensure() throws Exception {
        if (ensured.get()) {
            return;
        }
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
        for (Map.Entry<String, KafkaFuture<Void>> f : admin.createTopics(missing).values().entrySet()) {
            try {
                f.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info("event=topic_created topic={}", f.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        ensured.set(true);
    }

    /** One creation attempt off the start-up path; a failure is left to the readiness probes. */
    public void ensureInBackground(String threadName) {
        Thread t = new Thread(() -> {
            try {
                ensure();
            } catch (Exception e) {
                log.warn("event=topic_create_deferred topics={} reason={}",
                        topics.stream().map(NewTopic::name).toList(), e.toString());
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
    }

    /** Cluster id and broker count, or an exception when Kafka does not answer within the timeout. */
    public Cluster describe() throws Exception {
        DescribeClusterResult r = admin.describeCluster();
        String id = r.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        int brokers = r.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
        return new Cluster(id, brokers);
    }

    public record Cluster(String id, int brokers) {}

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
