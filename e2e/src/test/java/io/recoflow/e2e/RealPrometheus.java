package io.recoflow.e2e;

import io.recoflow.operator.core.Prometheus;
import io.recoflow.operator.testing.PrometheusServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian package {@code prometheus}) scraping {@code /actuator/prometheus} of the data-plane apps
 * every second. Targets are added as the apps start (their ports are random), through a {@code file_sd} file that
 * Prometheus watches, so no restart or reload is needed.
 */
final class RealPrometheus implements AutoCloseable {
    static final Path BINARY = PrometheusServer.BINARY;

    private final Path dir;
    private final PrometheusServer process;
    private final Set<String> targets = new LinkedHashSet<>();
    private final Prometheus client;
    final URI url;

    /** Skips the calling test class (JUnit assumption) when the binary is absent. */
    static RealPrometheus start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "Prometheus binary " + BINARY
                + " not found: skipping the real-Prometheus experiment test (apt-get install -y prometheus)");
        return new RealPrometheus();
    }

    private RealPrometheus() throws Exception {
        dir = Files.createTempDirectory("e2e-prometheus");
        writeTargets();
        process = PrometheusServer.start(dir, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: recoflow
                    metrics_path: /actuator/prometheus
                    file_sd_configs:
                      - files: ['%s']
                        refresh_interval: 1s
                """.formatted(dir.resolve("targets.json")), Duration.ofSeconds(30));
        url = process.url;
        client = new Prometheus(url, Duration.ofSeconds(5));
    }

    /** Scrapes 127.0.0.1:{@code port} from now on; returns once a scrape of it succeeded. */
    void scrape(int port) throws IOException {
        String target = "127.0.0.1:" + port;
        synchronized (this) {
            targets.add(target);
            writeTargets();
        }
        Awaitility.await("Prometheus scrapes " + target).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> Double.valueOf(1).equals(scalar("up{instance=\"" + target + "\"}")));
    }

    /** The instant query's samples by the given labels' values; NaN samples left out. */
    Map<List<String>, Double> vector(String promql, String... labels) {
        try {
            return client.vector(promql, labels);
        } catch (Prometheus.QueryException e) {
            throw new IllegalStateException(promql + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The one sample of an instant query, or null (no data or NaN). */
    Double scalar(String promql) {
        try {
            return client.scalar(promql);
        } catch (Prometheus.QueryException e) {
            throw new IllegalStateException(promql + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        return PrometheusServer.freePort();
    }

    /** Written next to the file and renamed over it, so Prometheus never reads half a file. */
    private void writeTargets() throws IOException {
        String list = targets.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        Path tmp = dir.resolve("targets.json.tmp");
        Files.writeString(tmp, "[{\"targets\":[" + list + "],\"labels\":{}}]\n");
        Files.move(tmp, dir.resolve("targets.json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
