package io.recoflow.featureworker;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.contract.FeatureSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The one place that talks to Redis in the worker. Each event is one call of {@code apply-event.lua} (dedup marker
 * and all feature writes atomically), each event an experiment counts one call of {@code apply-experiment.lua}, each
 * batch one call of {@code apply-freshness.lua}; a batch is one pipeline of them all, so one round trip per poll.
 * Caps and TTLs come from the {@link FeatureSettings} (the built-in {@link RedisKeys} defaults where the file sets
 * none).
 */
@Component
class FeatureStore implements DisposableBean {
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final String COVISIT_PREFIX = RedisKeys.coVisitation("");
    private static final String DEDUP_TTL = Long.toString(RedisKeys.DEDUP_TTL_SECONDS);
    private static final List<String> FRESHNESS_KEYS = List.of(RedisKeys.FRESHNESS);

    private final JedisPooled redis;
    private final WorkerProperties props;
    private final Clock clock;
    // the script's per-event arguments that only the settings decide, formatted once
    private final String recentCap;
    private final String userTtl;
    private final String covisitWindow;
    private final String covisitCap;
    private final long bucketTtl;
    private final String script;
    private final String experimentScript;
    private final String freshnessScript;
    private volatile String sha;
    private volatile String experimentSha;
    private volatile String freshnessSha;

    /**
     * @param events for each feature event whether it was applied (false: a duplicate eventId)
     * @param experiment for each experiment write the script's answer: 0 nothing counted, 1 counted, 2 counted
     *     under the exposure's variant, which differs from the one asked
     */
    record Applied(List<Boolean> events, List<Long> experiment) {}

    FeatureStore(WorkerProperties props) {
        this(props, FeatureSettings.DEFAULTS);
    }

    @Autowired
    FeatureStore(WorkerProperties props, FeatureSettings features) {
        this(props, features, Clock.systemUTC());
    }

    FeatureStore(WorkerProperties props, FeatureSettings features, Clock clock) {
        this.props = props;
        this.clock = clock;
        this.recentCap = Integer.toString(features.recentItems());
        this.userTtl = Long.toString(features.userTtl());
        this.covisitWindow = Integer.toString(
                features.covisitWindow() != null ? features.covisitWindow() : props.covisitWindow());
        this.covisitCap = Integer.toString(features.covisitNeighbours());
        this.bucketTtl = features.popularityBucketTtl();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(Math.max(4, props.concurrency() + 2));
        pool.setMaxWait(props.redisTimeout());
        int timeout = (int) props.redisTimeout().toMillis();
        DefaultJedisClientConfig client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .ssl(props.redisTls())
                .password(props.redisPassword() == null || props.redisPassword().isEmpty() ? null : props.redisPassword())
                .build();
        this.redis = new JedisPooled(pool, new HostAndPort(props.redisHost(), props.redisPort()), client);
        this.script = load("apply-event.lua");
        this.experimentScript = load("apply-experiment.lua");
        this.freshnessScript = load("apply-freshness.lua");
    }

    /**
     * Applies the events in order; returns for each whether it was applied (false: a duplicate eventId).
     * Throws the Redis client's exception when Redis is unreachable; nothing is then known to be applied and the
     * caller redelivers the whole batch, which the dedup marker makes safe.
     */
    List<Boolean> apply(List<Event> events) {
        return apply(events, List.of()).events();
    }

    /**
     * The feature events and then the experiment writes, in one pipeline. Throws the Redis client's exception when
     * Redis is unreachable; the caller redelivers the whole batch, which is safe: the feature events have their
     * dedup markers and every experiment write is idempotent (see apply-experiment.lua).
     */
    Applied apply(List<Event> events, List<Experiments.Write> writes) {
        if (events.isEmpty() && writes.isEmpty()) {
            return new Applied(List.of(), List.of());
        }
        try {
            return run(events, writes);
        } catch (JedisNoScriptException e) { // Redis restarted or flushed its script cache
            sha = null;
            experimentSha = null;
            freshnessSha = null;
            return run(events, writes);
        }
    }

    private Applied run(List<Event> events, List<Experiments.Write> writes) {
        String s = sha;
        String fs = freshnessSha;
        if (s == null && !events.isEmpty()) {
            s = redis.scriptLoad(script);
            sha = s;
        }
        if (fs == null && !events.isEmpty()) {
            fs = redis.scriptLoad(freshnessScript);
            freshnessSha = fs;
        }
        String xs = experimentSha;
        if (xs == null && !writes.isEmpty()) {
            xs = redis.scriptLoad(experimentScript);
            experimentSha = xs;
        }
        long now = clock.millis();
        List<Response<Object>> replies = new ArrayList<>(events.size());
        List<Response<Object>> counted = new ArrayList<>(writes.size());
        try (PipelineBase p = redis.pipelined()) {
            long newest = 0;
            for (Event e : events) {
                replies.add(p.evalsha(s, keys(e), args(e, now)));
                newest = Math.max(newest, e.timestamp().toEpochMilli());
            }
            if (!events.isEmpty()) {
                p.evalsha(fs, FRESHNESS_KEYS, List.of(Long.toString(newest), Long.toString(now)));
            }
            for (Experiments.Write w : writes) {
                counted.add(p.evalsha(xs, keys(w), args(w)));
            }
            p.sync();
        }
        List<Boolean> applied = new ArrayList<>(replies.size());
        for (Response<Object> r : replies) {
            applied.add(Long.valueOf(1L).equals(r.get()));
        }
        List<Long> results = new ArrayList<>(counted.size());
        for (Response<Object> r : counted) {
            results.add((Long) r.get());
        }
        return new Applied(applied, results);
    }

    /** The experiment's counts ({@link RedisKeys#experimentCounts}): field {@code <variant>:<counter>} -> value. */
    Map<String, String> experimentCounts(String experiment) {
        return redis.hgetAll(RedisKeys.experimentCounts(experiment));
    }

    private static List<String> keys(Experiments.Write w) {
        String x = w.experiment();
        return List.of(
                RedisKeys.experimentVariant(x),
                RedisKeys.experimentFirst(x),
                RedisKeys.experimentLast(x),
                RedisKeys.experimentClicks(x),
                RedisKeys.experimentConverted(x),
                RedisKeys.experimentCounts(x),
                RedisKeys.experimentSeen(x, w.event().eventId()),
                RedisKeys.experimentPending(x, w.event().userId()));
    }

    private static List<String> args(Experiments.Write w) {
        return List.of(
                w.kind().arg(),
                w.event().userId(),
                Long.toString(w.event().timestamp().toEpochMilli()),
                w.variant(),
                Long.toString(w.windowMillis()),
                Long.toString(RedisKeys.EXPERIMENT_TTL_SECONDS),
                Long.toString(RedisKeys.DEDUP_TTL_SECONDS),
                Integer.toString(RedisKeys.EXPERIMENT_PENDING_CAP),
                Long.toString(RedisKeys.EXPERIMENT_PENDING_TTL_SECONDS));
    }

    /** False for an event the script would only mark as seen: no recent item, no purchase, no popularity. */
    boolean changesFeatures(Event e) {
        return e.type().isEngagement() || e.type() == EventType.PURCHASE || props.weights().of(e.type()) > 0;
    }

    private static List<String> keys(Event e) {
        long hour = Math.floorDiv(e.timestamp().toEpochMilli(), HOUR_MS);
        return List.of(
                RedisKeys.seenEvent(e.eventId()),
                RedisKeys.recentItems(e.userId()),
                RedisKeys.purchased(e.userId()),
                RedisKeys.popularityBucket(hour),
                RedisKeys.purchaseCounts(e.userId()));
    }

    private List<String> args(Event e, long now) {
        long ts = e.timestamp().toEpochMilli();
        double weight = props.weights().of(e.type());
        // The bucket lives TTL past the end of its own hour, so replayed old events do not keep dead buckets alive.
        long expireAt = (Math.floorDiv(ts, HOUR_MS) + 1) * HOUR_MS / 1000 + bucketTtl;
        boolean popular = weight > 0 && expireAt > now / 1000;
        return List.of(
                e.itemId(),
                Long.toString(ts),
                e.type().isEngagement() ? "1" : "0",
                e.type() == EventType.PURCHASE ? "1" : "0",
                Double.toString(weight),
                popular ? Long.toString(expireAt) : "0",
                recentCap,
                userTtl,
                DEDUP_TTL,
                covisitWindow,
                covisitCap,
                COVISIT_PREFIX);
    }

    /** PING, for the health indicator. */
    String ping() {
        return redis.ping();
    }

    private static String load(String name) {
        try (InputStream in = FeatureStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void destroy() {
        redis.close();
    }
}
