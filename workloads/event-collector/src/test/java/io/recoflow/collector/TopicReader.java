package io.recoflow.collector;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning and remembers every record by eventId (test helper; not thread safe). */
final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, ConsumerRecord<String, String>> byEventId = new ConcurrentHashMap<>();

    TopicReader(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Polls once and returns everything seen so far. */
    Map<String, ConsumerRecord<String, String>> poll() {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            String id = CollectorTestSupport.eventId(r.value());
            byEventId.put(id, r);
        }
        return byEventId;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
