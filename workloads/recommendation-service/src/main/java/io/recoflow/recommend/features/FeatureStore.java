package io.recoflow.recommend.features;

import io.recoflow.common.RedisKeys;
import io.recoflow.recommend.config.RecommendProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.stereotype.Component;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.Tuple;

/** The one place that talks to Redis (the online feature store written by the feature worker). */
@Component
public class FeatureStore implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FeatureStore.class);
    private final JedisPool pool;
    private static final int FAILURES_TO_SKIP = 3;

    private final long retryAfterFailureNanos;
    private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long skipUntilNanos;
    private volatile long firstFailureNanos;
    private final long failureSpanNanos;

    public FeatureStore(RecommendProperties props) {
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

    private <T> T call(java.util.function.Function<Jedis, T> body) {
        if (System.nanoTime() < skipUntilNanos) {
            throw new FeatureStoreUnavailableException("redis failed recently; skipping", null);
        }
        try (Jedis jedis = pool.getResource()) {
            T out = body.apply(jedis);
            failures.set(0);
            return out;
        } catch (RuntimeException e) {
            // One slow call, or one pause that times out every call in flight at once (a GC pause, a CPU stall), should
            // not send everyone to the fallback; a run of failures spread over more than one timeout (Redis down)
            // should.
            long now = System.nanoTime();
            int run = failures.incrementAndGet();
            if (run == 1) {
                firstFailureNanos = now;
            }
            if (run >= FAILURES_TO_SKIP && now - firstFailureNanos >= failureSpanNanos) {
                if (System.nanoTime() >= skipUntilNanos) {
                    // at most one line per skip window
                    log.warn("redis failed {} times in a row, skipping it for {} ms: {}", failures.get(),
                            retryAfterFailureNanos / 1_000_000, e.toString());
                }
                skipUntilNanos = System.nanoTime() + retryAfterFailureNanos;
            }
            throw new FeatureStoreUnavailableException("redis unavailable: " + e.getClass().getSimpleName(), e);
        }
    }


    @Override
    public void close() {
        pool.close();
    }
}
