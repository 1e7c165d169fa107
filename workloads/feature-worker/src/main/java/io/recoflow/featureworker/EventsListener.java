package io.recoflow.featureworker;

import io.recoflow.common.Event;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Applies each polled batch to Redis in one pipeline; the container commits the offsets only after this returns.
 * A poison record: the records before it are applied, then {@link BatchListenerFailedException} names it, so the
 * error handler commits up to it, publishes it to the DLT and goes on with the rest of the partition. A Redis
 * failure names the first record of the batch: nothing is committed and the whole batch comes back after the
 * back-off (already-applied events are skipped by their dedup marker).
 */
@Component
class EventsListener {
    private static final Logger log = LoggerFactory.getLogger(EventsListener.class);

    private final FeatureStore store;
    private final Experiments experiments;
    private final WorkerMetrics metrics;
    private final EventDecoder decoder = new EventDecoder(Clock.systemUTC());
    private final List<String> topics;

    EventsListener(FeatureStore store, Experiments experiments, WorkerMetrics metrics, WorkerProperties props) {
        this.store = store;
        this.experiments = experiments;
        this.metrics = metrics;
        this.topics = props.topics();
    }

    /** The topics to consume, for the listener annotation's expression. */
    public List<String> topics() {
        return topics;
    }

    @KafkaListener(id = "feature-worker", idIsGroup = false, topics = "#{__listener.topics()}",
            containerFactory = "eventsContainerFactory", batch = "true")
    void onEvents(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        List<Event> events = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                events.add(decoder.decode(r.value()));
            } catch (EventDecoder.PoisonEventException e) {
                write(events, records.get(0));
                metrics.poison();
                log.warn("event=poison_record partition={} offset={} reason=\"{}\"", r.partition(), r.offset(),
                        e.getMessage());
                throw new BatchListenerFailedException(e.getMessage(), e, r);
            }
        }
        write(events, records.get(0));
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        records.forEach(r -> partitions.add(new TopicPartition(r.topic(), r.partition())));
        metrics.lag(consumer, partitions);
    }

    /**
     * A list-level impression ({@link Event#items()}) as one event per shown item, each with its own derived,
     * stable event id ({@code eventId#rank}), so dedup and the script stay per item.
     */
    static List<Event> perItem(Event e) {
        if (e.items() == null || e.items().size() <= 1) {
            return List.of(e);
        }
        List<Event> out = new ArrayList<>(e.items().size());
        for (int i = 0; i < e.items().size(); i++) {
            out.add(new Event(e.eventId() + "#" + i, e.type(), e.userId(), e.items().get(i), e.timestamp(),
                    e.experiment(), e.variant(), e.modelVersion()));
        }
        return out;
    }

    private void write(List<Event> decoded, ConsumerRecord<String, byte[]> first) {
        // Events that change no feature (rec_impression with the default weight 0) cost no Redis call at all:
        // they are the bulk of the topic under load, and skipping them is idempotent by definition. Only an
        // impression of the counted experiment goes to Redis, for the experiment script alone (one per shown list).
        List<Event> events = new ArrayList<>(decoded.size());
        List<Experiments.Write> writes = new ArrayList<>();
        for (Event e : decoded) {
            Experiments.Write w = experiments.of(e);
            if (w != null) {
                writes.add(w);
            }
            if (store.changesFeatures(e)) {
                events.addAll(perItem(e));
            } else if (w == null) {
                metrics.skipped(e);
            }
        }
        if (events.isEmpty() && writes.isEmpty()) {
            return;
        }
        FeatureStore.Applied applied;
        try {
            applied = metrics.batchWrite().recordCallable(() -> store.apply(events, writes));
        } catch (Exception e) {
            metrics.redisFailure();
            log.warn("event=redis_write_failed events={} partition={} offset={} reason={}", events.size(),
                    first.partition(), first.offset(), e.getClass().getSimpleName());
            throw new BatchListenerFailedException("feature store write failed (retried, not poison)", e, first);
        }
        metrics.applied(events, applied.events());
        metrics.experiment(writes, applied.experiment());
    }
}
