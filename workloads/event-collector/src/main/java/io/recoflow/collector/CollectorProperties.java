package io.recoflow.collector;

import io.recoflow.common.contract.Pipeline;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code recoflow.collector.*}; a FeaturePipeline's operator sets them through the environment names of
 * {@link Pipeline} ({@code COLLECTOR_*}).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topic the events topic ({@link Pipeline#EVENTS_TOPIC} unless a pipeline renames it)
 * @param kafkaPropertiesFile Kafka client properties ({@code key=value}: TLS, SASL) merged into the producer and
 *     admin config; unset = plaintext
 * @param topicPartitions partitions of the events topic when the collector creates it
 * @param topicReplication replication factor of the events topic when the collector creates it
 * @param maxBatchSize most events in one {@code :batch} request
 * @param maxBodyBytes largest accepted request body
 * @param deliveryTimeout Kafka {@code delivery.timeout.ms}: how long a request may wait for acks before 503
 * @param requestTimeout Kafka {@code request.timeout.ms} (must be below the delivery timeout)
 * @param maxBlock Kafka {@code max.block.ms}: how long a send may wait for metadata when the broker is unreachable
 * @param retryAfter value of {@code Retry-After} on 503
 * @param healthTimeout timeout of the Kafka health probe
 * @param compression Kafka {@code compression.type}; {@code none} by default because lz4 allocates a fresh 64 KB
 *     block buffer per batch, and with one event per request most batches hold one event (about 1 MB of garbage
 *     per 8 events); {@code zstd} or {@code lz4} pay off where the events ride larger batches or a costly network
 * @param lingerMs Kafka {@code linger.ms}: how long a partition's batch waits for more events from concurrent
 *     requests; one request's events are sent together anyway
 * @param batchBytes Kafka {@code batch.size}: a {@code :batch} post of 500 events (~130 bytes each on the topic,
 *     more with impression lists) is ~11 KB per partition of 6 before the record overhead, close to the default
 *     16 KB, which would split larger posts into several produce batches
 */
@ConfigurationProperties("recoflow.collector")
public record CollectorProperties(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue(Pipeline.EVENTS_TOPIC) String topic,
        String kafkaPropertiesFile,
        @DefaultValue("6") int topicPartitions,
        @DefaultValue("1") short topicReplication,
        @DefaultValue("500") int maxBatchSize,
        @DefaultValue("1048576") int maxBodyBytes,
        @DefaultValue("5s") Duration deliveryTimeout,
        @DefaultValue("2s") Duration requestTimeout,
        @DefaultValue("2s") Duration maxBlock,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("2s") Duration healthTimeout,
        @DefaultValue("none") String compression,
        @DefaultValue("5") int lingerMs,
        @DefaultValue("65536") int batchBytes) {}
