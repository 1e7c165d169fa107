package io.recoflow.recommend.web;

import io.recoflow.recommend.config.RecommendProperties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code max-concurrent} recommendation requests work at once; one that finds no permit within
 * {@code max-wait} is shed. Concurrency, not rate: when the server slows down (a busy neighbour, GC) fewer requests
 * get through instead of all of them slowing until Redis calls time out. A request past the limit costs about as much
 * as a ping, so the server keeps answering admitted ones with the model well past its capacity.
 */
public final class Admission {
    private final Semaphore permits;
    private final long maxWaitNanos;
    private final int limit;

    public Admission(RecommendProperties.Admission cfg) {
        this.limit = cfg.getMaxConcurrent() > 0 ? cfg.getMaxConcurrent() : 8 * Runtime.getRuntime().availableProcessors();
        this.permits = new Semaphore(limit);
        this.maxWaitNanos = cfg.getMaxWait().toNanos();
    }

    /** True when the caller may go on; it must then call {@link #leave()}. */
    public boolean enter() {
        if (permits.tryAcquire()) {
            return true;
        }
        try {
            return maxWaitNanos > 0 && permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void leave() {
        permits.release();
    }

    public int limit() {
        return limit;
    }

    /** Requests working now. */
    public int inFlight() {
        return limit - permits.availablePermits();
    }
}
