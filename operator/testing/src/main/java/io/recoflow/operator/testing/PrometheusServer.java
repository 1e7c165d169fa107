package io.recoflow.operator.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian package {@code prometheus}) run by the tests: its config, TSDB and log in a temporary
 * directory, on a free port, returned once {@code /-/ready} answers. The fixtures that feed it series (synthetic
 * canary or OpenCost metrics, the real services) own what it scrapes.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final Path BINARY = Path.of(System.getProperty("recoflow.prometheus.bin", "/usr/bin/prometheus"));

    private final Path dir;
    private final Process process;
    public final URI url;

    private PrometheusServer(Path dir, Process process, URI url) {
        this.dir = dir;
        this.process = process;
        this.url = url;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * @param dir the server's directory (its TSDB is {@code dir/data}: backfill it before starting); deleted on close
     * @param config prometheus.yml
     * @param flags extra command-line flags, e.g. a retention
     */
    public static PrometheusServer start(Path dir, String config, Duration readyWithin, String... flags)
            throws IOException, InterruptedException {
        Files.writeString(dir.resolve("prometheus.yml"), config);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
        command.addAll(List.of(flags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(dir, process, URI.create("http://127.0.0.1:" + port));
        server.awaitReady(readyWithin);
        return server;
    }

    public Path dir() {
        return dir;
    }

    private void awaitReady(Duration within) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(url.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("Prometheus not ready within " + within + ": "
                        + Files.readString(dir.resolve("prometheus.log")));
            }
            Thread.sleep(200); // a readiness poll, not a wait for an outcome
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the process (forcibly after 10 s) and deletes its directory. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
