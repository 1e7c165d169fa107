package io.recoflow.common;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One named daemon thread running a task at a fixed delay: the pollers of mounted files and caches. */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private Daemon() {}

    /**
     * Runs {@code task} after {@code first}, then {@code every} after each run ends; shut it down to stop. A run that
     * throws is logged and the schedule goes on: a scheduled executor would otherwise cancel every later run, and a
     * poller that stops silently keeps serving a stale file for good.
     */
    public static ScheduledExecutorService every(String name, Duration first, Duration every, Runnable task) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", name, e.toString());
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }
}
