package io.recoflow.featureworker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/**
 * The worker's own meters. Consumer lag per partition is read from the consumer after each batch (the Kafka client
 * metrics, also bound, only discover per-partition series once a minute); freshness is the age of the newest event
 * applied.
 */
@Component
class WorkerMetrics {
    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicLong lastEventAt = new AtomicLong();
    private final Map<TopicPartition, AtomicLong> lags = new ConcurrentHashMap<>();
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Counter redisFailures;
    private final Timer batchWrite;
    private final Timer delay;

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.clock = Clock.systemUTC();
        Gauge.builder("recoflow.worker.freshness", lastEventAt,
                        t -> t.get() == 0 ? Double.NaN : (clock.millis() - t.get()) / 1000.0)
                .description("Age of the newest event applied to Redis")
                .baseUnit("seconds")
                .register(registry);
        this.redisFailures = Counter.builder("recoflow.worker.redis.failures")
                .description("Batches whose Redis write failed (retried with back-off, offsets not committed)")
                .register(registry);
        this.batchWrite = Timer.builder("recoflow.worker.batch.write")
                .description("Time to apply one polled batch to Redis (one pipeline)")
                .publishPercentileHistogram()
                .register(registry);
        this.delay = Timer.builder("recoflow.worker.event.delay")
                .description("From the event timestamp to its features being written")
                .publishPercentileHistogram()
                .register(registry);
    }

    Timer batchWrite() {
        return batchWrite;
    }

    void redisFailure() {
        redisFailures.increment();
    }

    void poison() {
        count("poison", "invalid");
    }

    /** An event that changes no feature, consumed without touching Redis. */
    void skipped(Event e) {
        count("skipped", e.type().wireName());
    }

    void applied(List<Event> events, List<Boolean> applied) {
        long now = clock.millis();
        int[] fresh = new int[EventType.values().length];
        int[] duplicate = new int[fresh.length];
        long newest = 0;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (applied.get(i)) {
                fresh[e.type().ordinal()]++;
                long ts = e.timestamp().toEpochMilli();
                newest = Math.max(newest, ts);
                delay.record(Math.max(0, now - ts), TimeUnit.MILLISECONDS);
            } else {
                duplicate[e.type().ordinal()]++;
            }
        }
        lastEventAt.accumulateAndGet(newest, Math::max);
        // one increment per type and batch: a meter lookup per event cost more than the rest of its accounting
        for (EventType t : EventType.values()) {
            count("applied", t.wireName(), fresh[t.ordinal()]);
            count("duplicate", t.wireName(), duplicate[t.ordinal()]);
        }
    }

    /** {@code recoflow_worker_experiment_events_total{type, result=counted|uncounted|mismatch|pending}}, per script answer. */
    void experiment(List<Experiments.Write> writes, List<Long> results) {
        for (int i = 0; i < writes.size(); i++) {
            long r = results.get(i);
            Counter.builder("recoflow.worker.experiment.events")
                    .description("Events sent to the experiment script, by type and result (mismatch: counted under "
                            + "the exposure's variant, which differs from the worker's assignment or the impression's)")
                    .tag("type", writes.get(i).event().type().wireName())
                    .tag("result", r == 1 ? "counted" : r == 2 ? "mismatch" : r == 3 ? "pending" : "uncounted")
                    .register(registry).increment();
        }
    }

    /** Records the lag of each partition the batch came from; runs on the consumer thread. */
    void lag(Consumer<?, ?> consumer, Iterable<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                lags.computeIfAbsent(tp, this::lagGauge).set(lag.getAsLong());
            }
        }
    }

    private AtomicLong lagGauge(TopicPartition tp) {
        AtomicLong v = new AtomicLong();
        Gauge.builder("recoflow.worker.consumer.lag", v, AtomicLong::get)
                .description("Records behind the end of the partition after the last applied batch")
                .tag("topic", tp.topic())
                .tag("partition", Integer.toString(tp.partition()))
                .register(registry);
        return v;
    }

    private void count(String outcome, String type) {
        count(outcome, type, 1);
    }

    private void count(String outcome, String type, int n) {
        if (n > 0) {
            events.computeIfAbsent(outcome + ":" + type, k -> Counter.builder("recoflow.worker.events")
                    .description("Events consumed, by outcome (applied, duplicate, skipped, poison) and type")
                    .tag("outcome", outcome).tag("type", type)
                    .register(registry)).increment(n);
        }
    }
}
