package io.recoflow.common;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One named daemon thread running a task at a fixed delay: the pollers of mounted files and caches. */
public final class Daemon {
    private Daemon() {}

    /** Runs {@code task} after {@code first}, then {@code every} after each run ends; shut it down to stop. */
    public static ScheduledExecutorService every(String name, Duration first, Duration every, Runnable task) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(task, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }
}
