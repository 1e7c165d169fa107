package io.recoflow.operator.training;

import io.recoflow.common.ModelMetadata;
import io.recoflow.common.Psi;
import io.recoflow.common.RedisKeys;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.core.Prometheus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.resps.Tuple;

/**
 * The triggers of a TrainingSchedule besides its cron: new data (events the feature worker applied since the last
 * run, from Prometheus) and drift (the population stability index between the item distribution of the champion's
 * training data, recorded in its metadata.json, and the feature worker's recent popularity window in Redis). The one
 * place the operator reads the feature store. A source that cannot be read fires nothing (and says so).
 */
public class Triggers {
    static final String NEW_EVENTS = "sum(increase(recoflow_worker_events_total{outcome=\"applied\"}[%ds]))";

    private final Prometheus prometheus;
    private final Map<String, JedisPooled> redis = new ConcurrentHashMap<>();

    /** @param prometheus the operator's Prometheus (null: the new-data trigger never fires) */
    public Triggers(URI prometheus) {
        this.prometheus = prometheus == null ? null : new Prometheus(prometheus, Duration.ofSeconds(10));
    }

    /** @param why null when nothing fired; {@code psi} the drift measured, when measured */
    public record Fired(String why, Double psi) {}

    public Fired check(TrainingSchedule ts, RecommendationModel rm, Instant now) {
        TrainingScheduleSpec.Triggers t = ts.getSpec().triggers;
        Double psi = null;
        if (t.drift != null) {
            psi = drift(t.drift, rm);
            double limit = t.drift.psi == null ? 0.2 : t.drift.psi;
            if (psi != null && psi > limit) {
                return new Fired(String.format(Locale.ROOT, "drift: PSI %.3f of the last %d h of items against "
                        + "the champion's training data > %s", psi, hours(t.drift), limit), psi);
            }
        }
        if (t.minNewEvents != null && prometheus != null) {
            Instant since = ts.getStatus() != null && ts.getStatus().lastRun != null
                    ? Instant.parse(ts.getStatus().lastRun.startTime)
                    : Instant.parse(ts.getMetadata().getCreationTimestamp() == null ? now.toString()
                            : ts.getMetadata().getCreationTimestamp());
            long seconds = Math.max(60, Duration.between(since, now).toSeconds());
            Double n = newEvents(seconds);
            if (n != null && n >= t.minNewEvents) {
                return new Fired(String.format(Locale.ROOT, "new data: %.0f events applied since %s (>= %d)", n, since,
                        t.minNewEvents), psi);
            }
        }
        return new Fired(null, psi);
    }

    public Double newEvents(long seconds) {
        try {
            return prometheus.scalar(String.format(Locale.ROOT, NEW_EVENTS, seconds));
        } catch (Prometheus.QueryException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** PSI of the recent window against the serving version's training data; null when either is unknown. */
    Double drift(TrainingScheduleSpec.Drift d, RecommendationModel rm) {
        var st = rm.getStatus();
        if (st == null || st.servingUri == null || st.servingVersion == null
                || !st.servingUri.startsWith("file://")) {
            return null; // s3:// and abfss:// artifacts are not read by the operator (it holds no credentials)
        }
        Map<String, Double> trained;
        try {
            Path dir = Path.of(URI.create(st.servingUri)).resolve(Long.toString(st.servingVersion));
            trained = ModelMetadata.read(dir).itemShares();
        } catch (Exception e) {
            return null;
        }
        if (trained == null || trained.isEmpty()) {
            return null;
        }
        Map<String, Double> recent = recent(d);
        return recent == null || recent.isEmpty() ? null : Psi.of(trained, recent);
    }

    /** The feature worker's hourly popularity buckets of the window, summed per item. */
    Map<String, Double> recent(TrainingScheduleSpec.Drift d) {
        try {
            JedisPooled r = redis.computeIfAbsent(d.redis, hp -> {
                int colon = hp.lastIndexOf(':');
                return new JedisPooled(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
            });
            long hour = Math.floorDiv(System.currentTimeMillis(), 3_600_000L);
            Map<String, Double> counts = new HashMap<>();
            for (long h = hour - hours(d) + 1; h <= hour; h++) {
                for (Tuple t : r.zrangeWithScores(RedisKeys.popularityBucket(h), 0, -1)) {
                    counts.merge(t.getElement(), t.getScore(), Double::sum);
                }
            }
            return counts;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int hours(TrainingScheduleSpec.Drift d) {
        return d.windowHours == null ? 24 : d.windowHours;
    }
}
