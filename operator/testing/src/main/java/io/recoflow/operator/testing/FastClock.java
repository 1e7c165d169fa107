package io.recoflow.operator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Time running {@code speed} times faster than the wall clock, so a 60 s canary pause takes 1 s in the demo. */
public final class FastClock extends Clock {
    private final Instant start = Instant.now();
    private final long t0 = System.nanoTime();
    private final int speed;

    public FastClock(int speed) {
        this.speed = speed;
    }

    @Override
    public Instant instant() {
        return start.plus(Duration.ofNanos((System.nanoTime() - t0) * speed));
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
