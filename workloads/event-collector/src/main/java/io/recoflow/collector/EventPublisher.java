package io.recoflow.collector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.recoflow.common.Event;
import io.recoflow.common.kafka.ClientProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The one place that writes events to Kafka. {@link #publish} returns only once the broker acknowledged every
 * event (acks=all, idempotent producer), so a 202 means the events are durable; any failure within the bounded
 * delivery timeout surfaces as {@link Unavailable}.
 */
@Component
class EventPublisher implements DisposableBean {
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final KafkaClientMetrics clientMetrics;
    private final Duration waitLimit;
    private final Timer ackTimer;

    EventPublisher(CollectorProperties props, MeterRegistry registry) {
        this.producer = new KafkaProducer<>(config(props), new StringSerializer(), new ByteArraySerializer());
        this.topic = props.topic();
        this.clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
        // max.block can be spent before the send is queued, then delivery.timeout bounds the ack itself.
        this.waitLimit = props.deliveryTimeout().plus(props.maxBlock()).plusSeconds(1);
        this.ackTimer = Timer.builder("recoflow.collector.kafka.ack")
                .description("Time from first send to the last broker acknowledgement of one request")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** The client-properties file first (TLS, SASL), then the settings a 202's durability rests on, which win. */
    static Map<String, Object> config(CollectorProperties props) {
        Map<String, Object> c = new HashMap<>(ClientProperties.load(props.kafkaPropertiesFile()));
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "event-collector");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        c.put(ProducerConfig.LINGER_MS_CONFIG, props.lingerMs());
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, props.batchBytes());
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, props.compression());
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) props.requestTimeout().toMillis());
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) props.deliveryTimeout().toMillis());
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, props.maxBlock().toMillis());
        c.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return c;
    }

    /** Sends all events keyed by userId and waits for every acknowledgement. */
    void publish(List<Event> events) throws Unavailable {
        long start = System.nanoTime();
        Acks acks = new Acks(events.size());
        for (Event e : events) {
            try {
                producer.send(new ProducerRecord<>(topic, e.userId(), EventJson.bytes(e)), acks);
            } catch (RuntimeException ex) { // metadata wait (max.block.ms) exhausted, producer closed
                throw new Unavailable("send failed: " + ex.getClass().getSimpleName(), ex);
            }
        }
        try {
            if (!acks.await(waitLimit.toMillis())) {
                throw new Unavailable("not acknowledged within " + waitLimit.toMillis() + " ms", null);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for acknowledgements", ex);
        }
        Exception failed = acks.failure;
        if (failed != null) {
            throw new Unavailable("not acknowledged: " + failed.getClass().getSimpleName(), failed);
        }
        ackTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /** One request's acknowledgements: one latch for all its events instead of a future per event. */
    private static final class Acks extends CountDownLatch implements Callback {
        private volatile Exception failure;

        Acks(int events) {
            super(events);
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception ex) {
            if (ex != null && failure == null) {
                failure = ex;
            }
            countDown();
        }

        boolean await(long millis) throws InterruptedException {
            return await(millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void destroy() {
        clientMetrics.close();
        producer.close(Duration.ofSeconds(5));
    }

    /** Kafka did not acknowledge in time: the client must retry (with the same eventIds). */
    static final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
