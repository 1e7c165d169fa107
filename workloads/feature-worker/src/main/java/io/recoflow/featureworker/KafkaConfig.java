package io.recoflow.featureworker;

import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.kafka.ClientProperties;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Consumer, dead-letter producer and error handling. Values are read as bytes so a broken payload never fails in
 * the deserializer: the listener decides what is poison. Poison is not retryable (straight to the dead-letter topic);
 * everything else (Redis down) is retried with exponential back-off forever and never dead-lettered.
 */
@Configuration
@EnableKafka
class KafkaConfig {
    /** DLT header with the reason a record is poison (the standard kafka_dlt-* headers are added as well). */
    static final String REASON_HEADER = "recoflow-dlt-reason";

    @Bean
    ConsumerFactory<String, byte[]> eventsConsumerFactory(WorkerProperties props, MeterRegistry registry) {
        Map<String, Object> c = new HashMap<>(ClientProperties.load(props.kafkaPropertiesFile()));
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, props.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxPollRecords());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        // a poll of max.poll.records at 20k events/s: wait for a fuller fetch instead of returning a few records
        // per round trip (each poll is one Redis pipeline, so fewer, larger polls cost less per event)
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, props.fetchMinBytes());
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) props.fetchMaxWait().toMillis());
        DefaultKafkaConsumerFactory<String, byte[]> f =
                new DefaultKafkaConsumerFactory<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        f.addListener(new MicrometerConsumerListener<>(registry));
        return f;
    }

    @Bean
    ProducerFactory<String, byte[]> dltProducerFactory(WorkerProperties props, MeterRegistry registry) {
        Map<String, Object> c = new HashMap<>(ClientProperties.load(props.kafkaPropertiesFile()));
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "feature-worker-dlt");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        DefaultKafkaProducerFactory<String, byte[]> f =
                new DefaultKafkaProducerFactory<>(c, new StringSerializer(), new ByteArraySerializer());
        f.addListener(new MicrometerProducerListener<>(registry));
        return f;
    }

    @Bean
    KafkaTemplate<String, byte[]> dltTemplate(ProducerFactory<String, byte[]> dltProducerFactory) {
        return new KafkaTemplate<>(dltProducerFactory);
    }

    @Bean
    DefaultErrorHandler eventsErrorHandler(KafkaTemplate<String, byte[]> dltTemplate, WorkerProperties props) {
        // partition -1: the DLT may have fewer partitions than the source; the producer picks one by key
        String topic = props.deadLetterTopic();
        DeadLetterPublishingRecoverer dlt = new DeadLetterPublishingRecoverer(dltTemplate,
                (record, ex) -> new TopicPartition(topic, -1));
        dlt.setHeadersFunction((record, ex) -> new RecordHeaders(new RecordHeader[] {
                new RecordHeader(REASON_HEADER, reason(ex).getBytes(StandardCharsets.UTF_8))}));
        ExponentialBackOff backOff = new ExponentialBackOff(props.retryInitial().toMillis(), 2.0);
        backOff.setMaxInterval(props.retryMax().toMillis());
        DefaultErrorHandler handler = new DefaultErrorHandler(dlt, backOff);
        handler.addNotRetryableExceptions(EventDecoder.PoisonEventException.class);
        handler.setCommitRecovered(true);
        handler.setLogLevel(KafkaException.Level.WARN); // a retry or a dead letter is handled, not an error

        return handler;
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> eventsContainerFactory(
            ConsumerFactory<String, byte[]> eventsConsumerFactory, DefaultErrorHandler eventsErrorHandler,
            WorkerProperties props) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> f = new ConcurrentKafkaListenerContainerFactory<>();
        f.setConsumerFactory(eventsConsumerFactory);
        f.setBatchListener(true);
        f.setConcurrency(props.concurrency());
        f.setCommonErrorHandler(eventsErrorHandler);
        f.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        return f;
    }

    private static String reason(Exception ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof EventDecoder.PoisonEventException p) {
                return p.getMessage();
            }
        }
        return ex.getClass().getSimpleName();
    }
}
