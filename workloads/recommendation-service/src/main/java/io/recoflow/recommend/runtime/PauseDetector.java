package io.recoflow.recommend.runtime;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.locks.LockSupport;
import org.springframework.stereotype.Component;

/**
 * How late this process runs, two ways: one thread asks to wake every {@link #INTERVAL_NANOS} and records by how
 * much it woke late (jHiccup's method: a GC or safepoint pause stops it like every other thread), and every
 * {@link #PRESSURE_EVERY} wake-ups it reads the kernel's CPU pressure (PSI, "some": time in which at least one
 * runnable task waited for a CPU; the container's cgroup {@code cpu.pressure} where there is one, else the machine's
 * {@code /proc/pressure/cpu}). The second matters because a thread that mostly sleeps is woken promptly even on a
 * starved machine, while the busy ones (and a co-located redis-server) wait in the run queue. {@code FeatureStore}
 * asks it whether a Redis call that timed out overlapped such a stall, so that the service's own scheduling delay
 * is not mistaken for a slow Redis.
 */
@Component
public class PauseDetector {
    static final long INTERVAL_NANOS = 1_000_000;
    /** Lateness below this is timer slack, not a stall, and is not kept. */
    static final long MIN_PAUSE_NANOS = 1_000_000;
    private static final int KEEP = 1024;
    static final int PRESSURE_EVERY = 10;
    private static final List<Path> PRESSURE = List.of(Path.of("/sys/fs/cgroup/cpu.pressure"), Path.of("/proc/pressure/cpu"));
    private static final Pattern SOME_TOTAL = Pattern.compile("^some .*total=(\\d+)", Pattern.MULTILINE);

    /** Ring of the stalls seen: when each ended and how long it lasted (nanoTime). */
    private final long[] endedAt = new long[KEEP];
    private final long[] lasted = new long[KEEP];
    private long next;
    /** Ring of CPU pressure samples: when (nanoTime) and the cumulative "some" stall time (µs) then. */
    private final long[] sampledAt = new long[KEEP];
    private final long[] pressureMicros = new long[KEEP];
    private long nextSample;
    private final Path pressure = PRESSURE.stream().filter(Files::isReadable).findFirst().orElse(null);
    private volatile long lastWake = System.nanoTime();
    private final Thread thread;
    private final Timer pauses;
    private volatile boolean running = true;

    public PauseDetector(MeterRegistry meters) {
        this.pauses = Timer.builder("recoflow.process.pause")
                .description("how late the pause detector woke up, when at least 1 ms late (GC, CPU starvation)")
                .register(meters);
        this.thread = new Thread(this::watch, "pause-detector");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        long prev = System.nanoTime();
        for (long n = 0; running; n++) {
            if (pressure != null && n % PRESSURE_EVERY == 0) {
                samplePressure();
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
            long now = System.nanoTime();
            lastWake = now;
            long late = now - prev - INTERVAL_NANOS;
            if (late >= MIN_PAUSE_NANOS) {
                stalled(now, late);
            }
            prev = now;
        }
    }

    /**
     * Records a stall of {@code nanos} that ended at {@code endedAtNanos}. Called by the detector's own thread, and
     * by tests to inject a scheduling stall that really happened to a thread they starved.
     */
    public synchronized void stalled(long endedAtNanos, long nanos) {
        int i = (int) (next++ % KEEP);
        endedAt[i] = endedAtNanos;
        lasted[i] = nanos;
        pauses.record(nanos, TimeUnit.NANOSECONDS);
    }

    private void samplePressure() {
        try {
            Matcher m = SOME_TOTAL.matcher(Files.readString(pressure));
            if (m.find()) {
                long micros = Long.parseLong(m.group(1));
                synchronized (this) {
                    int i = (int) (nextSample++ % KEEP);
                    sampledAt[i] = System.nanoTime();
                    pressureMicros[i] = micros;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no PSI here (an old kernel, psi=0): the wake-up lateness alone decides
        }
    }

    /**
     * How long runnable tasks waited for a CPU in {@code [fromNanos, toNanos]}: PSI "some" from the last sample before
     * the window (or the oldest one kept) to the newest sample; 0 without PSI.
     */
    public synchronized long cpuWait(long fromNanos, long toNanos) {
        long n = Math.min(nextSample, KEEP);
        if (n == 0) {
            return 0;
        }
        long endMicros = pressureMicros[(int) ((nextSample - 1) % KEEP)];
        long startMicros = endMicros;
        for (long k = 0; k < n; k++) {
            int i = (int) ((nextSample - 1 - k) % KEEP);
            startMicros = pressureMicros[i];
            if (sampledAt[i] <= fromNanos) {
                break;
            }
        }
        return Math.max(0, endMicros - startMicros) * 1000;
    }

    /** The longer of {@link #longestStall} and {@link #cpuWait}: how long the window was not the service's own. */
    public long stalledWithin(long fromNanos, long toNanos) {
        return Math.max(longestStall(fromNanos, toNanos), cpuWait(fromNanos, toNanos));
    }

    /**
     * The longest stall that overlapped {@code [fromNanos, toNanos]}, including one still going on (the detector has
     * not woken up since before {@code toNanos}).
     */
    public synchronized long longestStall(long fromNanos, long toNanos) {
        long longest = Math.max(0, toNanos - lastWake - INTERVAL_NANOS);
        long n = Math.min(next, KEEP);
        for (long k = 0; k < n; k++) {
            int i = (int) ((next - 1 - k) % KEEP);
            if (endedAt[i] >= fromNanos && endedAt[i] - lasted[i] <= toNanos) {
                longest = Math.max(longest, lasted[i]);
            }
        }
        return longest;
    }

    @PreDestroy
    public void stop() {
        running = false;
        LockSupport.unpark(thread);
    }
}
