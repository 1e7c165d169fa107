package io.recoflow.collector;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code recoflow.collector.*}.
 *
 * @param bootstrapServers Kafka bootstrap servers
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
 */
@ConfigurationProperties("recoflow.collector")
public record CollectorProperties(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue("6") int topicPartitions,
        @DefaultValue("1") short topicReplication,
        @DefaultValue("500") int maxBatchSize,
        @DefaultValue("1048576") int maxBodyBytes,
        @DefaultValue("5s") Duration deliveryTimeout,
        @DefaultValue("2s") Duration requestTimeout,
        @DefaultValue("2s") Duration maxBlock,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("2s") Duration healthTimeout,
        @DefaultValue("none") String compression) {}
