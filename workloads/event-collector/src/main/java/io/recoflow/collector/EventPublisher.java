package io.recoflow.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.recoflow.common.Event;
import io.recoflow.common.Json;
import io.recoflow.common.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    private static final ObjectMapper MAPPER = Json.mapper();

    private final Producer<String, byte[]> producer;
    private final KafkaClientMetrics clientMetrics;
    private final Duration waitLimit;
    private final Timer ackTimer;

    EventPublisher(CollectorProperties props, MeterRegistry registry) {
        this.producer = new KafkaProducer<>(config(props), new StringSerializer(), new ByteArraySerializer());
        this.clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
        // max.block can be spent before the send is queued, then delivery.timeout bounds the ack itself.
        this.waitLimit = props.deliveryTimeout().plus(props.maxBlock()).plusSeconds(1);
        this.ackTimer = Timer.builder("recoflow.collector.kafka.ack")
                .description("Time from first send to the last broker acknowledgement of one request")
                .publishPercentileHistogram()
                .register(registry);
    }

    static Map<String, Object> config(CollectorProperties props) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "event-collector");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
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
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        for (Event e : events) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            try {
                producer.send(new ProducerRecord<>(Topics.EVENTS, e.userId(), bytes(e)), (md, ex) -> {
                    if (ex == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(ex);
                    }
                });
            } catch (RuntimeException ex) { // metadata wait (max.block.ms) exhausted, producer closed
                throw new Unavailable("send failed: " + ex.getClass().getSimpleName(), ex);
            }
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
            ackTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (ExecutionException ex) {
            throw new Unavailable("not acknowledged: " + ex.getCause().getClass().getSimpleName(), ex.getCause());
        } catch (TimeoutException ex) {
            throw new Unavailable("not acknowledged within " + waitLimit.toMillis() + " ms", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for acknowledgements", ex);
        }
    }

    private static byte[] bytes(Event e) {
        try {
            return MAPPER.writeValueAsBytes(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("event not serialisable", ex); // a validated record always is
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
