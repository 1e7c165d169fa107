package io.recoflow.featureworker;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.RedisKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The one place that writes the online features. Each event is one call of {@code apply-event.lua} (dedup marker
 * and all feature writes atomically); a batch is one pipeline, so one round trip per poll.
 */
@Component
class FeatureStore implements DisposableBean {
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final String COVISIT_PREFIX = RedisKeys.coVisitation("");

    private final JedisPooled redis;
    private final WorkerProperties props;
    private final Clock clock;
    private final String script;
    private volatile String sha;

    @Autowired
    FeatureStore(WorkerProperties props) {
        this(props, Clock.systemUTC());
    }

    FeatureStore(WorkerProperties props, Clock clock) {
        this.props = props;
        this.clock = clock;
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(Math.max(4, props.concurrency() + 2));
        pool.setMaxWait(props.redisTimeout());
        this.redis = new JedisPooled(pool, props.redisHost(), props.redisPort(), (int) props.redisTimeout().toMillis());
        this.script = load();
    }

    /**
     * Applies the events in order; returns for each whether it was applied (false: a duplicate eventId).
     * Throws the Redis client's exception when Redis is unreachable; nothing is then known to be applied and the
     * caller redelivers the whole batch, which the dedup marker makes safe.
     */
    List<Boolean> apply(List<Event> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        try {
            return run(events);
        } catch (JedisNoScriptException e) { // Redis restarted or flushed its script cache
            sha = redis.scriptLoad(script);
            return run(events);
        }
    }

    private List<Boolean> run(List<Event> events) {
        String s = sha;
        if (s == null) {
            s = redis.scriptLoad(script);
            sha = s;
        }
        long now = clock.millis();
        List<Response<Object>> replies = new ArrayList<>(events.size());
        try (PipelineBase p = redis.pipelined()) {
            for (Event e : events) {
                replies.add(p.evalsha(s, keys(e), args(e, now)));
            }
            p.sync();
        }
        List<Boolean> applied = new ArrayList<>(replies.size());
        for (Response<Object> r : replies) {
            applied.add(Long.valueOf(1L).equals(r.get()));
        }
        return applied;
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
                RedisKeys.FRESHNESS,
                RedisKeys.purchaseCounts(e.userId()));
    }

    private List<String> args(Event e, long now) {
        long ts = e.timestamp().toEpochMilli();
        double weight = props.weights().of(e.type());
        // The bucket lives TTL past the end of its own hour, so replayed old events do not keep dead buckets alive.
        long expireAt = (Math.floorDiv(ts, HOUR_MS) + 1) * HOUR_MS / 1000 + RedisKeys.POPULARITY_BUCKET_TTL_SECONDS;
        boolean popular = weight > 0 && expireAt > now / 1000;
        return List.of(
                e.itemId(),
                Long.toString(ts),
                e.type().isEngagement() ? "1" : "0",
                e.type() == EventType.PURCHASE ? "1" : "0",
                Double.toString(weight),
                popular ? Long.toString(expireAt) : "0",
                Integer.toString(RedisKeys.RECENT_ITEMS_CAP),
                Long.toString(RedisKeys.USER_TTL_SECONDS),
                Long.toString(RedisKeys.DEDUP_TTL_SECONDS),
                Integer.toString(props.covisitWindow()),
                Integer.toString(RedisKeys.COVISIT_CAP),
                COVISIT_PREFIX,
                Long.toString(now));
    }

    /** PING, for the health indicator. */
    String ping() {
        return redis.ping();
    }

    private static String load() {
        try (InputStream in = FeatureStore.class.getResourceAsStream("apply-event.lua")) {
            if (in == null) {
                throw new IllegalStateException("apply-event.lua missing from the classpath");
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
