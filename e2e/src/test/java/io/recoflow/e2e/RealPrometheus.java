package io.recoflow.e2e;

import io.recoflow.operator.core.Prometheus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian package {@code prometheus}) scraping {@code /actuator/prometheus} of the data-plane apps
 * every second. Targets are added as the apps start (their ports are random), through a {@code file_sd} file that
 * Prometheus watches, so no restart or reload is needed.
 */
final class RealPrometheus implements AutoCloseable {
    static final Path BINARY = Path.of(System.getProperty("recoflow.prometheus.bin", "/usr/bin/prometheus"));

    private final Path dir;
    private final Process process;
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
        int port = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: recoflow
                    metrics_path: /actuator/prometheus
                    file_sd_configs:
                      - files: ['%s']
                        refresh_interval: 1s
                """.formatted(dir.resolve("targets.json")));
        process = new ProcessBuilder(BINARY.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        url = URI.create("http://127.0.0.1:" + port);
        client = new Prometheus(url, Duration.ofSeconds(5));
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await("Prometheus ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> process.isAlive() && http.send(
                        HttpRequest.newBuilder(url.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
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
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
