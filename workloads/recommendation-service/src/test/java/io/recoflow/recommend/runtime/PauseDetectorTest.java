package io.recoflow.recommend.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What the detector sees of a starved process: real busy threads, more than there are CPUs. */
class PauseDetectorTest {

    @Test
    void busyThreadsBeyondTheCpusShowAsCpuWait() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/pressure/cpu")) || Files.isReadable(Path.of("/sys/fs/cgroup/cpu.pressure")),
                "the kernel exposes no CPU pressure (PSI)");
        PauseDetector pauses = new PauseDetector(new SimpleMeterRegistry());
        AtomicBoolean spin = new AtomicBoolean(true);
        List<Thread> busy = new ArrayList<>();
        try {
            long from = System.nanoTime();
            for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors() + 1; i++) {
                Thread t = new Thread(() -> {
                    long x = 0;
                    while (spin.get()) {
                        x += System.nanoTime() & 1;
                    }
                    assertThat(x).isNotNegative();
                }, "busy-" + i);
                t.setDaemon(true);
                t.start();
                busy.add(t);
            }
            // more runnable threads than CPUs: some wait in the run queue, which PSI counts as CPU wait
            await().atMost(Duration.ofSeconds(10)).until(() -> pauses.cpuWait(from, System.nanoTime()) > 0);
            assertThat(pauses.stalledWithin(from, System.nanoTime())).isPositive();
        } finally {
            spin.set(false);
            for (Thread t : busy) {
                t.join();
            }
            pauses.stop();
        }
    }
}
