package io.recoflow.featureworker;

import io.recoflow.common.EventType;
import io.recoflow.common.contract.Pipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code recoflow.worker.*}; a FeaturePipeline's operator sets them through the environment names of
 * {@link Pipeline} ({@code WORKER_*}).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId consumer group (one group = one copy of the features)
 * @param topics the topics consumed (events, impressions); created when missing, like the dead-letter topic
 * @param deadLetterTopic where poison records go
 * @param kafkaPropertiesFile Kafka client properties ({@code key=value}: TLS, SASL) merged into the consumer,
 *     dead-letter producer and admin config; unset = plaintext
 * @param concurrency consumer threads (at most the partition count is useful)
 * @param maxPollRecords most events applied in one Redis pipeline
 * @param fetchMinBytes Kafka {@code fetch.min.bytes}: under load a poll returns a fuller batch (one Redis pipeline
 *     each) instead of the few records that arrived since the last one
 * @param fetchMaxWait Kafka {@code fetch.max.wait.ms}: the most that adds to freshness when traffic is low
 * @param topicPartitions partitions of the topics when the worker creates them
 * @param topicReplication replication factor of the topics when the worker creates them
 * @param redisHost Redis host
 * @param redisPort Redis port
 * @param redisTls Redis over TLS (the JVM's trust store)
 * @param redisPassword Redis AUTH password (from a Secret); unset or empty = none
 * @param redisTimeout Redis connect/read timeout and pool wait
 * @param retryInitial first back-off after a Redis failure
 * @param retryMax back-off ceiling; Redis failures are retried forever (they are not poison)
 * @param covisitWindow how many of the user's most recent items pair with a new item for co-visitation, unless the
 *     features file sets it
 * @param featuresFile the {@link io.recoflow.common.contract.FeatureSettings} file, read once at start; unset = the
 *     built-in defaults
 * @param healthTimeout timeout of the Kafka health probe
 * @param weights popularity weight per event type
 * @param experiments the A/B experiment whose outcomes are counted
 */
@ConfigurationProperties("recoflow.worker")
public record WorkerProperties(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue("recoflow-feature-worker") String groupId,
        @DefaultValue({Pipeline.EVENTS_TOPIC, Pipeline.IMPRESSIONS_TOPIC}) List<String> topics,
        @DefaultValue(Pipeline.DEAD_LETTER_TOPIC) String deadLetterTopic,
        String kafkaPropertiesFile,
        @DefaultValue("1") int concurrency,
        @DefaultValue("500") int maxPollRecords,
        @DefaultValue("16384") int fetchMinBytes,
        @DefaultValue("50ms") Duration fetchMaxWait,
        @DefaultValue("6") int topicPartitions,
        @DefaultValue("1") short topicReplication,
        @DefaultValue("localhost") String redisHost,
        @DefaultValue("6379") int redisPort,
        @DefaultValue("false") boolean redisTls,
        String redisPassword,
        @DefaultValue("2s") Duration redisTimeout,
        @DefaultValue("200ms") Duration retryInitial,
        @DefaultValue("5s") Duration retryMax,
        @DefaultValue("20") int covisitWindow,
        String featuresFile,
        @DefaultValue("2s") Duration healthTimeout,
        @DefaultValue Weights weights,
        @DefaultValue Experiments experiments) {

    public WorkerProperties {
        topics = List.copyOf(topics);
    }

    /**
     * {@code recoflow.worker.experiments.*}.
     *
     * @param file the experiment file ({@link io.recoflow.common.contract.ExperimentConfig}, YAML or JSON), by
     *     default {@code RECOFLOW_EXPERIMENTS_FILE}; unset or absent = no experiment
     * @param pollInterval how often the file is checked for a change
     * @param refreshInterval how often the gauges re-read the counts from Redis
     */
    public record Experiments(
            String file,
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("5s") Duration refreshInterval) {

        public Path path() {
            return file == null || file.isBlank() ? null : Path.of(file);
        }
    }

    /** {@code recoflow.worker.weights.*}: a weight of 0 leaves popularity untouched for that type. */
    public record Weights(
            @DefaultValue("1") double view,
            @DefaultValue("3") double addToCart,
            @DefaultValue("5") double purchase,
            @DefaultValue("1") double recClick,
            @DefaultValue("0") double recImpression) {

        public double of(EventType type) {
            return switch (type) {
                case VIEW -> view;
                case ADD_TO_CART -> addToCart;
                case PURCHASE -> purchase;
                case REC_CLICK -> recClick;
                case REC_IMPRESSION -> recImpression;
            };
        }
    }
}
