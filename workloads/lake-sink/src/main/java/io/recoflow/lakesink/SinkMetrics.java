package io.recoflow.lakesink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/**
 * The sink's meters ({@code recoflow_sink_*}; the ingest benchmark reads these names). Rows, files and bytes count
 * what a target confirmed, per target; lag per partition is read from the consumer after each poll, as the worker's.
 */
@Component
class SinkMetrics {
    private final MeterRegistry registry;
    private final Map<TopicPartition, AtomicLong> lags = new ConcurrentHashMap<>();
    private final AtomicLong buffered = new AtomicLong();
    private final Timer flush;
    private final Counter poison;
    private final Counter commitFailures;

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.flush = Timer.builder("recoflow.sink.flush")
                .description("Time to make one partition's files durable on every target and commit them")
                .publishPercentileHistogram()
                .register(registry);
        this.poison = Counter.builder("recoflow.sink.skipped")
                .description("Records that are no valid event: logged, counted and skipped (the worker dead-letters"
                        + " the same records)")
                .tag("reason", "poison")
                .register(registry);
        this.commitFailures = Counter.builder("recoflow.sink.commit.failures")
                .description("Offset commits that failed after the objects were durable (the replay overwrites them)")
                .register(registry);
        Gauge.builder("recoflow.sink.buffered.rows", buffered, AtomicLong::get)
                .description("Rows in open (not yet durable) files")
                .register(registry);
    }

    Timer flush() {
        return flush;
    }

    void poison() {
        poison.increment();
    }

    void commitFailure() {
        commitFailures.increment();
    }

    void buffered(long delta) {
        buffered.addAndGet(delta);
    }

    /** One object a target confirmed. */
    void durable(Target target, long rows, long bytes) {
        Counter.builder("recoflow.sink.rows").description("Rows made durable, per target")
                .tag("target", target.kind()).register(registry).increment(rows);
        Counter.builder("recoflow.sink.files").description("Parquet files made durable, per target")
                .tag("target", target.kind()).register(registry).increment();
        Counter.builder("recoflow.sink.bytes").description("Parquet bytes made durable, per target")
                .baseUnit("bytes").tag("target", target.kind()).register(registry).increment(bytes);
    }

    /** A failed write to a target (retried with back-off, nothing committed). */
    void failure(Target target) {
        Counter.builder("recoflow.sink.failures")
                .description("Failed writes to a target (retried with back-off, offsets not committed)")
                .tag("target", target.kind()).register(registry).increment();
    }

    /** Records the lag of each assigned partition; runs on the consumer thread. */
    void lag(Consumer<?, ?> consumer) {
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                lags.computeIfAbsent(tp, this::lagGauge).set(lag.getAsLong());
            }
        }
    }

    private AtomicLong lagGauge(TopicPartition tp) {
        AtomicLong v = new AtomicLong();
        Gauge.builder("recoflow.sink.consumer.lag", v, AtomicLong::get)
                .description("Records behind the end of the partition (consumed, not necessarily durable)")
                .tag("topic", tp.topic())
                .tag("partition", Integer.toString(tp.partition()))
                .register(registry);
        return v;
    }
}
