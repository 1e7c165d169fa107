package io.recoflow.lakesink;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Kafka client settings: the mounted client-properties file (TLS/SASL) first, then the sink's own settings over it,
 * so a file cannot turn on auto-commit or change the group.
 */
final class KafkaClients {
    private KafkaClients() {}

    static Map<String, Object> consumer(SinkProperties props) {
        Map<String, Object> c = common(props);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, props.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "lake-sink");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxPollRecords());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // batches of ~1 MB per partition fetch: fewer, larger polls cost less CPU per record
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        return c;
    }

    static Map<String, Object> admin(SinkProperties props) {
        Map<String, Object> c = common(props);
        int ms = (int) props.healthTimeout().toMillis();
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "lake-sink-admin");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        return c;
    }

    private static Map<String, Object> common(SinkProperties props) {
        Map<String, Object> c = new HashMap<>();
        Path file = props.kafkaProperties();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read Kafka client properties " + file, e);
            }
            p.forEach((k, v) -> c.put((String) k, v));
        }
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        c.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return c;
    }
}
