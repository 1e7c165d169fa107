package io.recoflow.recommend.security;

import java.util.concurrent.ConcurrentHashMap;

/** Per-client token buckets (lazy refill on access, so there is no timer thread). */
public final class RateLimiter {
    private static final int MAX_CLIENTS = 100_000;

    private final double perNano;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, int burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate limit needs rate > 0 and burst >= 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
    }

    /** 0 when a token was taken, otherwise how many nanoseconds until the next one. */
    public long tryAcquire(String client, long nowNanos) {
        Bucket b = buckets.get(client);
        if (b == null) {
            if (buckets.size() >= MAX_CLIENTS) {
                // a flood of distinct ids (spoofed keys are rejected before this, so these are real clients):
                // forgetting all buckets briefly over-admits instead of growing without bound
                buckets.clear();
            }
            b = buckets.computeIfAbsent(client, c -> new Bucket(burst, nowNanos));
        }
        return b.take(nowNanos, perNano, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized long take(long now, double perNano, double burst) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
