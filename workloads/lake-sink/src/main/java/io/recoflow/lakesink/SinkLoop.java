package io.recoflow.lakesink;

import io.recoflow.common.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The consumer loop: polled records go column-wise into each partition's {@link OpenFiles}; a partition flushes when
 * its files reach {@code flush-bytes} or are {@code flush-interval} old, by uploading every object to every target
 * and only then committing the offset after the flush. One thread does it all, so a rebalance callback never races
 * an upload.
 *
 * <p><b>Exactly once.</b> An object's name is {@code event_date=D/<topic>-<partition>-<start>.parquet}, {@code start}
 * being the first offset of its flush, and a flush {@code [start, end)} always begins at the committed offset. A
 * crash before the commit replays from {@code start}, so the replay writes the same names again (an overwrite is
 * atomic on both stores). That is only safe if the replay cuts at the same {@code end}: a cut by interval or size
 * could end elsewhere, and a shorter replay would leave a stale object from the first attempt beside a new one whose
 * name starts later, with the same rows in both. So before its data objects a flush writes the partition's
 * {@link Manifest} {@code [start, end)} to each target. On assignment the sink reads the manifests; one whose
 * {@code start} is the committed offset belongs to an attempt that may have left objects, and the next flush is cut
 * at exactly its {@code end}. The replay then produces the same set of (date, start) names with the same rows, and
 * every event is in the lake exactly once once the offset is committed. Decoding is deterministic for the same
 * reason (no clock rule, see {@link EventDecoder}).
 *
 * <p><b>Failures.</b> A target failure keeps the sealed objects, pauses the partition (the consumer keeps polling,
 * so it stays in the group, but buffers nothing more) and retries with exponential back-off; nothing is committed
 * until every target has every object. A revoked or lost partition drops its open and sealed files uncommitted: its
 * new owner replays them. A poison record is logged, counted and skipped (its offset is committed with the flush
 * around it): the feature worker reads the same topic and already dead-letters it, and a second copy in the DLT
 * would only duplicate it.
 */
@Component
class SinkLoop implements SmartLifecycle, ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final SinkProperties props;
    private final List<ObjectStore> stores;
    private final SinkMetrics metrics;
    private final EventDecoder decoder = new EventDecoder();
    private final Map<TopicPartition, Part> parts = new HashMap<>();
    private final AtomicInteger uploads = new AtomicInteger();
    private volatile Consumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile long lastPollAt;

    SinkLoop(SinkProperties props, List<ObjectStore> stores, SinkMetrics metrics) {
        this.props = props;
        this.stores = stores;
        this.metrics = metrics;
    }

    /** One assigned partition. */
    private static final class Part {
        final TopicPartition tp;
        /** The committed offset (at assignment: the position the group resumes from): every flush starts here. */
        long committed;
        /** Manifests not read yet: the partition stays paused, as its cut may be forced. */
        boolean resolved;
        /** The forced end of the next flush (a replayed attempt's), or -1. */
        long cutAt = -1;
        OpenFiles open;
        /** A flush waiting for a target; the partition is paused meanwhile. */
        Flush sealed;
        long retryAt;
        int failures;

        Part(TopicPartition tp) {
            this.tp = tp;
        }

        boolean paused() {
            return !resolved || sealed != null;
        }
    }

    /** The objects of one flush, and the targets that still lack them. */
    private record Flush(long start, long end, List<OpenFiles.Sealed> objects, List<ObjectStore> pending) {}

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::run, "lake-sink");
        t.setDaemon(false);
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether the loop polled Kafka recently (health); false once it died. */
    boolean polling(Duration within) {
        Thread t = thread;
        return t != null && t.isAlive() && System.currentTimeMillis() - lastPollAt < within.toMillis();
    }

    /** Polls until stopped; an unexpected failure (Kafka authorization, ...) restarts the consumer after a back-off. */
    private void run() {
        int failures = 0;
        while (running) {
            try {
                poll();
                return;
            } catch (SimulatedCrash e) {
                log.warn("event=simulated_crash uploads={}", uploads.get());
                running = false;
            } catch (RuntimeException e) {
                failures++;
                long backoff = Math.min(props.retryMax().toMillis(),
                        props.retryInitial().toMillis() << Math.min(failures - 1, 16));
                log.error("event=sink_loop_failed restart_in_ms={}", backoff, e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void poll() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumer(props),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(props.topics(), this);
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(POLL);
                lastPollAt = System.currentTimeMillis();
                for (TopicPartition tp : records.partitions()) {
                    take(tp, records.records(tp));
                }
                tick();
                metrics.lag(c);
            }
        } catch (WakeupException e) {
            // stop()
        } finally {
            // open and sealed files die uncommitted, like the process would: the next owner replays them
            parts.values().forEach(this::drop);
            parts.clear();
            consumer = null;
        }
    }

    private void take(TopicPartition tp, List<ConsumerRecord<String, byte[]>> records) {
        Part p = parts.get(tp);
        if (p == null || p.paused()) {
            return; // fetched before the pause; the position was reset to the first untaken offset
        }
        long now = System.currentTimeMillis();
        long rows = 0;
        for (ConsumerRecord<String, byte[]> r : records) {
            if (p.cutAt >= 0 && r.offset() >= p.cutAt) {
                metrics.buffered(rows);
                rows = 0;
                if (!flush(p)) {
                    if (p.resolved) {
                        consumer.seek(tp, r.offset()); // a target failed: take r again after the retry
                    }
                    return;
                }
            }
            if (p.open == null) {
                p.open = new OpenFiles(tp, p.committed, props.flushBytes().toBytes());
            }
            try {
                Event e = decoder.decode(r.value());
                p.open.add(e, r.offset(), now);
                rows++;
            } catch (EventDecoder.PoisonEventException ex) {
                p.open.skip(r.offset());
                metrics.poison();
                log.warn("event=poison_record topic={} partition={} offset={} reason=\"{}\"", tp.topic(),
                        tp.partition(), r.offset(), ex.getMessage());
            }
        }
        metrics.buffered(rows);
        if (p.cutAt < 0 && p.open != null && p.open.bytes() >= props.flushBytes().toBytes()) {
            flush(p);
        }
    }

    /** Interval flushes, retries of sealed flushes, manifest reads of new partitions. */
    private void tick() {
        long now = System.currentTimeMillis();
        for (Part p : new ArrayList<>(parts.values())) {
            if (!p.resolved) {
                if (now >= p.retryAt) {
                    resolve(p);
                }
            } else if (p.sealed != null) {
                if (now >= p.retryAt) {
                    upload(p);
                }
            } else if (p.cutAt >= 0) {
                // a forced cut flushes when the replay reached it, however long that takes
                if (p.open != null && p.open.next() >= p.cutAt) {
                    flush(p);
                }
            } else if (p.open != null && p.open.rows() > 0
                    && now - p.open.firstRowAt() >= props.flushInterval().toMillis()) {
                flush(p);
            } else if (p.open != null && p.open.rows() == 0) {
                commitEmpty(p); // only skipped records: nothing to write, but the offset may move on
            }
        }
    }

    /**
     * Seals the open files and uploads them; false when a target failed or the commit did (the partition is paused
     * then).
     */
    private boolean flush(Part p) {
        if (p.open == null) {
            p.cutAt = -1; // the replay found nothing before the cut (records deleted meanwhile)
            return true;
        }
        OpenFiles open = p.open;
        p.open = null;
        metrics.buffered(-open.rows());
        List<OpenFiles.Sealed> objects;
        try {
            objects = open.seal();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the Parquet files of " + p.tp, e);
        }
        p.sealed = new Flush(open.start(), open.next(), objects, new ArrayList<>(stores));
        return upload(p);
    }

    /** Manifest, then data objects, to every target that lacks them; then the commit. False as {@link #flush}. */
    private boolean upload(Part p) {
        Flush f = p.sealed;
        long t0 = System.nanoTime();
        if (!f.objects().isEmpty()) {
            while (!f.pending().isEmpty()) {
                ObjectStore store = f.pending().get(0);
                try {
                    store.put(Manifest.key(p.tp), new Manifest(f.start(), f.end()).bytes());
                    for (OpenFiles.Sealed o : f.objects()) {
                        store.put(o.key(), o.bytes());
                        crashPoint();
                    }
                } catch (SimulatedCrash e) {
                    throw e;
                } catch (Exception e) {
                    failed(p, store, e);
                    return false;
                }
                for (OpenFiles.Sealed o : f.objects()) {
                    metrics.durable(store.target(), o.rows(), o.bytes().length);
                }
                f.pending().remove(0);
            }
        }
        if (!commit(p, f.end())) {
            return false;
        }
        p.sealed = null;
        p.failures = 0;
        p.cutAt = -1; // a flush while a cut is forced is the forced one
        consumer.resume(Set.of(p.tp));
        metrics.flush().record(Duration.ofNanos(System.nanoTime() - t0));
        log.info("event=flushed topic={} partition={} start={} end={} objects={} targets={}", p.tp.topic(),
                p.tp.partition(), f.start(), f.end(), f.objects().size(), stores.size());
        return true;
    }

    private void commitEmpty(Part p) {
        OpenFiles open = p.open;
        p.open = null;
        commit(p, open.next());
    }

    private boolean commit(Part p, long end) {
        try {
            consumer.commitSync(Map.of(p.tp, new OffsetAndMetadata(end)));
            p.committed = end;
            return true;
        } catch (KafkaException e) {
            // a rebalance is in progress (or Kafka is down): not committed. The objects are durable, so whoever owns
            // the partition next replays it from the committed offset into the same names; if it is still ours,
            // that is this consumer: it forgets the flush and reads the manifests again (which force the same cut)
            metrics.commitFailure();
            log.warn("event=commit_failed topic={} partition={} end={} reason={}", p.tp.topic(), p.tp.partition(),
                    end, e.toString());
            drop(p);
            p.resolved = false;
            p.cutAt = -1;
            p.retryAt = System.currentTimeMillis() + props.retryInitial().toMillis();
            consumer.pause(Set.of(p.tp));
            return false;
        }
    }

    private void failed(Part p, ObjectStore store, Exception e) {
        metrics.failure(store.target());
        p.failures++;
        long backoff = Math.min(props.retryMax().toMillis(),
                props.retryInitial().toMillis() << Math.min(p.failures - 1, 16));
        p.retryAt = System.currentTimeMillis() + backoff;
        consumer.pause(Set.of(p.tp));
        log.warn("event=target_write_failed target={} topic={} partition={} start={} retry_in_ms={} reason={}",
                store.target().kind(), p.tp.topic(), p.tp.partition(), p.sealed.start(), backoff, e.toString());
    }

    /** Reads the partition's manifests: one at the committed offset forces the cut of the first flush. */
    private void resolve(Part p) {
        long position = p.committed;
        for (ObjectStore store : stores) {
            try {
                Optional<Manifest> m = store.get(Manifest.key(p.tp)).map(Manifest::parse);
                if (m.isPresent() && m.get().start() == position && m.get().end() > position) {
                    p.cutAt = Math.max(p.cutAt, m.get().end());
                }
            } catch (Exception e) {
                metrics.failure(store.target());
                p.failures++;
                long backoff = Math.min(props.retryMax().toMillis(),
                        props.retryInitial().toMillis() << Math.min(p.failures - 1, 16));
                p.retryAt = System.currentTimeMillis() + backoff;
                log.warn("event=manifest_read_failed target={} topic={} partition={} retry_in_ms={} reason={}",
                        store.target().kind(), p.tp.topic(), p.tp.partition(), backoff, e.toString());
                return;
            }
        }
        p.resolved = true;
        p.failures = 0;
        if (p.cutAt >= 0) {
            log.info("event=replay_cut topic={} partition={} start={} end={}", p.tp.topic(), p.tp.partition(),
                    position, p.cutAt);
        }
        consumer.seek(p.tp, position);
        consumer.resume(Set.of(p.tp));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Part p = new Part(tp);
            p.committed = consumer.position(tp);
            parts.put(tp, p);
        }
        // paused until their manifests are read (next tick)
        consumer.pause(partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Part p = parts.remove(tp);
            if (p != null) {
                drop(p);
            }
        }
    }

    private void drop(Part p) {
        if (p.open != null) {
            metrics.buffered(-p.open.rows());
            p.open.discard();
            p.open = null;
        }
        p.sealed = null;
    }

    private void crashPoint() {
        int n = uploads.incrementAndGet();
        if (props.crashAfterUploads() > 0 && n >= props.crashAfterUploads()) {
            throw new SimulatedCrash();
        }
    }

    /** Fault injection ({@code crash-after-uploads}): the loop dies between an upload and its commit. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("simulated crash between upload and commit", null, false, false);
        }
    }
}
