package io.recoflow.lakesink;

import io.recoflow.common.contract.Pipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code recoflow.sink.*}; the operator renders the {@link Pipeline} {@code SINK_*} variables, which bind here in
 * relaxed form.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId consumer group (its committed offsets are what is durable in the lake)
 * @param topics topics to sink (events, optionally impressions)
 * @param kafkaPropertiesFile Kafka client properties (TLS/SASL), {@code key=value}; unset = plaintext
 * @param targets {@code s3://bucket/prefix} and/or {@code abfss://container@account.dfs.core.windows.net/prefix}
 * @param flushBytes a partition's open files close at this many bytes of Parquet (a plain number is bytes)
 * @param flushInterval ... or this long after their first row, whichever comes first
 * @param s3Endpoint S3 endpoint override (S3-compatible stores, S3Mock); also turns on path-style access
 * @param s3Region S3 region
 * @param azureEndpoint Blob endpoint override, e.g. Azurite's {@code http://127.0.0.1:10000/devstoreaccount1}
 * @param azureConnectionString Azure Storage connection string (from a Secret); unset = workload identity
 * @param maxPollRecords most records per poll
 * @param retryInitial first back-off after a target or Kafka failure
 * @param retryMax back-off ceiling; target failures are retried forever
 * @param healthTimeout timeout of the Kafka and target health probes
 * @param crashAfterUploads fault injection for tests only: after this many uploaded objects the loop dies before
 *     its commit, as a killed process would; 0 = off
 */
@ConfigurationProperties("recoflow.sink")
public record SinkProperties(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue("recoflow-lake-sink") String groupId,
        @DefaultValue(Pipeline.EVENTS_TOPIC) List<String> topics,
        String kafkaPropertiesFile,
        @DefaultValue List<String> targets,
        @DefaultValue("32MB") DataSize flushBytes,
        @DefaultValue("60s") Duration flushInterval,
        String s3Endpoint,
        @DefaultValue("us-east-1") String s3Region,
        String azureEndpoint,
        String azureConnectionString,
        @DefaultValue("2000") int maxPollRecords,
        @DefaultValue("500ms") Duration retryInitial,
        @DefaultValue("30s") Duration retryMax,
        @DefaultValue("3s") Duration healthTimeout,
        @DefaultValue("0") int crashAfterUploads) {

    public Path kafkaProperties() {
        return kafkaPropertiesFile == null || kafkaPropertiesFile.isBlank() ? null : Path.of(kafkaPropertiesFile);
    }
}
