package io.recoflow.recommend.impression;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.Json;
import io.recoflow.common.Topics;
import io.recoflow.recommend.Recommendation;
import io.recoflow.recommend.config.RecommendProperties;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Fire-and-forget {@code rec_impression} events, one per response listing every shown item in rank order
 * ({@link Event#items()}), to {@link Topics#EVENTS}. The counters count shown items. The request thread
 * only offers to a bounded queue; one sender thread talks to Kafka (whose send can block on metadata while the
 * broker is down). A full queue or a failed send counts as dropped: impressions are analytics, not state.
 */
@Component
public class ImpressionPublisher {
    private static final Logger log = LoggerFactory.getLogger(ImpressionPublisher.class);
    private static final ObjectMapper JSON = Json.mapper();

    /** A response and when it was answered: the impression's time is the response's, not the send's. */
    private record Shown(Recommendation r, Instant at) {}

    private final BlockingQueue<Shown> queue;
    private final Producer<String, byte[]> producer;
    private final Counter dropped;
    private final Counter sent;
    private final Thread sender;
    private final double sampleRate;
    private volatile boolean running = true;

    public ImpressionPublisher(RecommendProperties props, MeterRegistry meters) {
        RecommendProperties.Impressions cfg = props.getImpressions();
        this.dropped = meters.counter("recoflow.impressions.dropped");
        this.sent = meters.counter("recoflow.impressions.sent");
        this.sampleRate = cfg.getSampleRate();
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("recoflow.recommend.impressions.sample-rate must be in [0, 1]");
        }
        if (cfg.getBootstrapServers() == null || cfg.getBootstrapServers().isBlank()) {
            queue = null;
            producer = null;
            sender = null;
            log.info("impressions off (recoflow.recommend.impressions.bootstrap-servers not set)");
            return;
        }
        this.queue = new ArrayBlockingQueue<>(cfg.getQueueCapacity());
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.getBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, (int) cfg.getLinger().toMillis(),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, cfg.getCompression(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.CLIENT_ID_CONFIG, "recoflow-recommend-impressions"),
                new StringSerializer(), new ByteArraySerializer());
        this.sender = new Thread(this::drain, "impression-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /** Never blocks: a full queue drops the impression. */
    public void publish(Recommendation r) {
        if (queue == null || r.items().isEmpty()
                || (sampleRate < 1 && ThreadLocalRandom.current().nextDouble() >= sampleRate)) {
            return;
        }
        // stamped now: a click on a shown item must never look older than the impression it followed (the
        // worker counts clicks from the first impression on, and the send may lag under load)
        if (!queue.offer(new Shown(r, Instant.now()))) {
            dropped.increment(r.items().size());
        }
    }

    private void drain() {
        List<Shown> batch = new ArrayList<>(256);
        while (running || !queue.isEmpty()) {
            try {
                Shown first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                for (Shown shown : batch) {
                    send(shown.r(), shown.at());
                }
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException e) {
                log.warn("impression send failed: {}", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void send(Recommendation r, Instant now) {
        List<String> shown = new ArrayList<>(r.items().size());
        r.items().forEach(i -> shown.add(i.itemId()));
        Event e = new Event(new UUID(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong()).toString(),
                EventType.REC_IMPRESSION, r.userId(), shown.get(0), now, r.experiment(), r.variant(), r.modelVersion(),
                shown);
        int n = shown.size();
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(e);
        } catch (Exception ex) {
            dropped.increment(n);
            return;
        }
        try {
            producer.send(new ProducerRecord<>(Topics.EVENTS, r.userId(), value), (md, ex) -> {
                if (ex == null) {
                    sent.increment(n);
                } else {
                    dropped.increment(n);
                }
            });
        } catch (RuntimeException ex) {
            // broker unreachable for max.block.ms: count and move on, the queue keeps absorbing requests
            dropped.increment(n);
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        if (sender == null) {
            return;
        }
        running = false;
        sender.join(3000);
        producer.close(java.time.Duration.ofSeconds(3));
    }
}
