package io.recoflow.recommend.features;

import io.recoflow.common.RedisKeys;
import io.recoflow.recommend.Overloaded;
import io.recoflow.recommend.config.RecommendProperties;
import io.recoflow.recommend.runtime.PauseDetector;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.stereotype.Component;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;

/** The one place that talks to Redis (the online feature store written by the feature worker). */
@Component
public class FeatureStore implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FeatureStore.class);
    private final JedisPool pool;
    private static final int FAILURES_TO_SKIP = 3;

    private final long retryAfterFailureNanos;
    private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    /** 0 while closed; while open, until when calls skip Redis (then one call at a time probes it) */
    private final AtomicLong skipUntilNanos = new AtomicLong();
    private volatile long firstFailureNanos;
    private final long failureSpanNanos;
    private final PauseDetector pauses;
    private final long stallToleranceNanos;

    public FeatureStore(RecommendProperties props, PauseDetector pauses) {
        this.pauses = pauses;
        RecommendProperties.Redis r = props.getRedis();
        GenericObjectPoolConfig<Jedis> cfg = new GenericObjectPoolConfig<>();
        cfg.setMaxTotal(r.getPoolSize());
        cfg.setMaxIdle(r.getPoolSize());
        cfg.setMinIdle(Math.min(4, r.getPoolSize()));
        cfg.setMaxWait(r.getTimeout());
        cfg.setJmxEnabled(false);
        int timeoutMs = (int) r.getTimeout().toMillis();
        this.pool = new JedisPool(cfg, r.getHost(), r.getPort(), timeoutMs, timeoutMs, r.getPassword(), 0,
                "recoflow-recommend");
        this.retryAfterFailureNanos = r.getRetryAfterFailure().toNanos();
        this.failureSpanNanos = r.getTimeout().toNanos();
        this.stallToleranceNanos = r.getStallTolerance().toNanos();
    }

    /** Recent items and purchases in one round trip (a pipeline). */
    public UserFeatures user(String userId) {
        return call(jedis -> {
            Pipeline p = jedis.pipelined();
            Response<List<String>> recent = p.zrevrange(RedisKeys.recentItems(userId), 0, RedisKeys.RECENT_ITEMS_CAP - 1);
            Response<Set<String>> purchased = p.smembers(RedisKeys.purchased(userId));
            Response<Map<String, String>> counts = p.hgetAll(RedisKeys.purchaseCounts(userId));
            p.sync();
            Map<String, Integer> c = new HashMap<>();
            counts.get().forEach((item, n) -> c.put(item, parseCount(n)));
            return new UserFeatures(recent.get(), purchased.get(), c);
        });
    }

    /** Item popularity summed over the newest {@code hours} hourly buckets, best first, at most {@code size}. */
    public List<String> popular(long nowEpochHour, int hours, int size) {
        Map<String, Double> sum = call(jedis -> {
            Pipeline p = jedis.pipelined();
            List<Response<List<Tuple>>> buckets = new ArrayList<>(hours);
            for (int h = 0; h < hours; h++) {
                buckets.add(p.zrevrangeWithScores(RedisKeys.popularityBucket(nowEpochHour - h), 0, size * 4L - 1));
            }
            p.sync();
            Map<String, Double> acc = new HashMap<>();
            for (Response<List<Tuple>> b : buckets) {
                for (Tuple t : b.get()) {
                    acc.merge(t.getElement(), t.getScore(), Double::sum);
                }
            }
            return acc;
        });
        List<String> top = new ArrayList<>(sum.keySet());
        top.sort(Comparator.comparingDouble((String i) -> -sum.get(i)).thenComparing(Comparator.naturalOrder()));
        return top.size() > size ? List.copyOf(top.subList(0, size)) : List.copyOf(top);
    }

    private static int parseCount(String n) {
        try {
            return Integer.parseInt(n);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    public boolean ping() {
        try (Jedis jedis = pool.getResource()) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code body} on a pooled connection, with the breaker rule: after {@link #FAILURES_TO_SKIP} Redis failures
     * in a row spanning at least one timeout, calls skip Redis for {@code retry-after-failure}, then one call probes
     * it (half-open) while the others skip on. A Redis failure is a connection or protocol error, or a timeout during
     * which the process ran on time. A timeout during which the {@link PauseDetector} saw the process stalled for at
     * least {@code stall-tolerance}, or a wait for a pooled connection, is the service's own delay: it throws
     * {@link Overloaded} and neither counts nor resets the run.
     */
    private <T> T call(java.util.function.Function<Jedis, T> body) {
        long skip = skipUntilNanos.get();
        if (skip != 0) {
            // open: skip until the window has passed, then one call probes Redis while the others skip on for at
            // most one timeout; its success closes the breaker, its failure opens it again
            long now = System.nanoTime();
            if (now < skip || !skipUntilNanos.compareAndSet(skip, now + failureSpanNanos)) {
                throw new FeatureStoreUnavailableException("redis failed recently; skipping", null);
            }
        }
        long start = System.nanoTime();
        try (Jedis jedis = pool.getResource()) {
            T out = body.apply(jedis);
            failures.set(0);
            if (skipUntilNanos.get() != 0) {
                skipUntilNanos.set(0);
            }
            return out;
        } catch (RuntimeException e) {
            if (e instanceof JedisException && e.getCause() instanceof NoSuchElementException) {
                throw new Overloaded(Overloaded.Reason.REDIS_POOL, "no free redis connection");
            }
            if (timedOut(e) && pauses.stalledWithin(start, System.nanoTime()) >= stallToleranceNanos) {
                throw new Overloaded(Overloaded.Reason.STALLED, "redis timed out while the service was stalled");
            }
            throw redisFailed(e);
        }
    }

    /** A read timeout anywhere in the chain: on a command, or on a new connection's handshake inside the pool. */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * One Redis failure of a run. One slow call, or one Redis hiccup that times out every call in flight at once,
     * should not send everyone to the fallback; a run of failures spread over more than one timeout (Redis down or
     * slow) should.
     */
    private FeatureStoreUnavailableException redisFailed(RuntimeException e) {
        long now = System.nanoTime();
        int run = failures.incrementAndGet();
        if (run == 1) {
            firstFailureNanos = now;
        }
        if (run >= FAILURES_TO_SKIP && now - firstFailureNanos >= failureSpanNanos) {
            if (skipUntilNanos.getAndSet(now + retryAfterFailureNanos) == 0) {
                // one line per opening, not per failed probe
                log.warn("redis failed {} times in a row, skipping it for {} ms at a time: {}", run,
                        retryAfterFailureNanos / 1_000_000, e.toString());
            }
        }
        return new FeatureStoreUnavailableException("redis unavailable: " + e.getClass().getSimpleName(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
