package io.recoflow.recommend.model;

import io.recoflow.recommend.config.RecommendProperties;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Answers from the {@link ScoreCache} when the same model scored the same history for the same k, else runs model
 * scoring on a small bounded pool: a native TF run cannot be interrupted, so the request thread waits
 * with a timeout instead, and a full queue is rejected at once (both become a popularity fallback, never a 500).
 * Models whose scoring is bounded pure-Java work ({@link ScoringModel#inline()}, the item-item fast path) run on the
 * request thread.
 */
@Component
public class Scorer {
    private final ThreadPoolExecutor pool;
    private final long timeoutNanos;
    private final ScoreCache cache;
    private final Counter hits;
    private final Counter misses;

    public Scorer(RecommendProperties props, MeterRegistry meters) {
        RecommendProperties.Model cfg = props.getModel();
        this.cache = new ScoreCache(cfg.getScoreCacheSize());
        this.hits = Counter.builder("recoflow.recommend.score_cache").tag("result", "hit")
                .description("scorings answered from the score cache (hit) or run (miss)").register(meters);
        this.misses = Counter.builder("recoflow.recommend.score_cache").tag("result", "miss")
                .description("scorings answered from the score cache (hit) or run (miss)").register(meters);
        int threads = cfg.getScoringThreads() > 0 ? cfg.getScoringThreads() : Runtime.getRuntime().availableProcessors();
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(cfg.getScoringQueue()), r -> {
                    Thread t = new Thread(r, "scoring-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.pool.prestartAllCoreThreads();
        this.timeoutNanos = cfg.getScoringTimeout().toNanos();
    }

    /**
     * Scores with the model the caller holds. An inline model runs under the caller's reference; a pool task takes
     * its own, so a timed-out request may release its reference while the native run continues safely.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the queue is full
     */
    /**
     * The scores of the last {@link #score} of the same model, history and k, or null. Kept apart from {@link #score}
     * so that the scoring timers (the canary analysis' latency input) measure scoring runs only.
     */
    public Scores cached(LoadedModel model, int[] history, int k) {
        if (!cache.enabled() || !model.cacheable()) {
            return null;
        }
        Scores s = cache.get(model, history, k);
        (s == null ? misses : hits).increment();
        return s;
    }

    public Scores score(LoadedModel model, int[] history, int k) throws TimeoutException, ExecutionException, InterruptedException {
        Scores s = run(model, history, k);
        if (cache.enabled() && model.cacheable()) {
            cache.put(model, history, k, s);
        }
        return s;
    }

    private Scores run(LoadedModel model, int[] history, int k) throws TimeoutException, ExecutionException, InterruptedException {
        if (model.inline()) {
            // the Java fast path: two thread hand-offs would cost more than the score itself
            try {
                return model.score(history, k);
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        if (!model.tryAcquire()) {
            throw new ExecutionException(new IllegalStateException("model version " + model.version() + " closed"));
        }
        Future<Scores> f;
        try {
            f = pool.submit(() -> {
                try {
                    return model.score(history, k);
                } finally {
                    model.release();
                }
            });
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw e;
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdown();
    }
}
