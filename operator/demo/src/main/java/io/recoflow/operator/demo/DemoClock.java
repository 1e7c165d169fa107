package io.recoflow.operator.demo;

import io.recoflow.operator.testing.FastClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The operator's clock in the demo: {@link FastClock}, and it can jump ahead, because a budget's period is a
 * calendar month, which even at x60 takes half a day. Only ever forward: every controller keeps timestamps of this
 * clock in status, and one from the future would stall its timers.
 */
final class DemoClock extends Clock {
    private final FastClock fast;
    private volatile Duration ahead = Duration.ZERO;

    DemoClock(int speed) {
        fast = new FastClock(speed);
    }

    @Override
    public Instant instant() {
        return fast.instant().plus(ahead);
    }

    /** Jumps to {@code to}; a time already past is ignored. */
    synchronized void skipTo(Instant to) {
        Duration d = Duration.between(instant(), to);
        if (!d.isNegative() && !d.isZero()) {
            ahead = ahead.plus(d);
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
