package io.recoflow.operator.pipeline;

import io.recoflow.operator.core.Reason;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether features are fresh. The age of the newest applied event alone cannot tell: a shop at night produces no
 * events, and its newest applied event grows old while nothing is missing. So the age counts only while events
 * wait: lag 0 is fresh whatever the age (the worker has applied everything there is), and with lag &gt; 0 the
 * newest applied event may be at most {@code maxSeconds} old.
 */
public final class FreshnessRule {
    /** @param fresh null: unknown (no measurement) */
    public record Verdict(Boolean fresh, Reason reason, String message) {}

    private FreshnessRule() {}

    /**
     * @param lag the worker's lag (null: Kafka could not be read)
     * @param newest the newest applied event's time (null: none applied yet)
     */
    public static Verdict judge(Long lag, Instant newest, Instant now, int maxSeconds) {
        if (lag == null) {
            return new Verdict(null, Reason.KafkaUnreachable, "consumer lag unknown: Kafka could not be read");
        }
        if (lag == 0) {
            return new Verdict(true, Reason.CaughtUp, newest == null ? "no events yet"
                    : "the worker has applied every event (newest " + newest + ")");
        }
        if (newest == null) {
            return new Verdict(false, Reason.FeaturesStale, lag + " events wait and the worker has applied none");
        }
        long age = age(newest, now);
        if (age > maxSeconds) {
            return new Verdict(false, Reason.FeaturesStale, lag + " events wait; the newest applied event is " + age
                    + "s old (freshness.maxSeconds " + maxSeconds + ")");
        }
        return new Verdict(true, Reason.FeaturesFresh, "newest applied event " + age + "s old, lag " + lag
                + " (freshness.maxSeconds " + maxSeconds + ")");
    }

    /** Whole seconds from the event to now, never negative (an event time slightly ahead of our clock is 0). */
    public static long age(Instant newest, Instant now) {
        return Math.max(0, Duration.between(newest, now).toSeconds());
    }
}
