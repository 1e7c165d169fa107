package io.recoflow.operator.budget.source;

import com.sun.net.httpserver.HttpServer;
import io.recoflow.operator.core.Prometheus;
import io.recoflow.operator.testing.PrometheusServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian package {@code prometheus}) holding synthetic OpenCost series: days of history
 * backfilled with {@code promtool tsdb create-blocks-from openmetrics} (a sample every {@link #STEP} seconds), and
 * from then on scraped every second from an endpoint served here, as OpenCost's {@code /metrics} would be. Values
 * are constant, so the spend over any window is hand-computable.
 */
public final class OpenCostPrometheus implements AutoCloseable {
    static final Path PROMETHEUS = PrometheusServer.BINARY;
    static final Path PROMTOOL = Path.of(System.getProperty("recoflow.promtool.bin", "/usr/bin/promtool"));
    static final long STEP = 300;

    /** One gauge as OpenCost exports it; present(t) says whether it has a sample at epoch second t. */
    public record Series(String name, String labels, double value, LongPredicate present) {
        public Series(String name, String labels, double value) {
            this(name, labels, value, t -> true);
        }

        String line() {
            // job and instance as OpenCost's scrape has them (honor_labels), so history and live are one series
            return name + "{" + labels + ",job=\"opencost\",instance=\"opencost:9003\"} " + value;
        }
    }

    private final List<Series> series;
    private final HttpServer target;
    private final PrometheusServer prometheus;
    private final Path dir;
    public final URI url;
    public final Prometheus client;

    /** Skips the calling tests (JUnit assumption) when prometheus or promtool is absent. */
    public static OpenCostPrometheus start(long historyFrom, List<Series> series) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL), "Prometheus "
                + PROMETHEUS + " or promtool " + PROMTOOL + " not found: skipping the real-Prometheus OpenCost tests"
                + " (apt-get install -y prometheus)");
        return new OpenCostPrometheus(historyFrom, series);
    }

    private OpenCostPrometheus(long historyFrom, List<Series> series) throws Exception {
        this.series = series;
        dir = Files.createTempDirectory("recoflow-opencost");
        backfill(historyFrom, Instant.now().getEpochSecond() - 90);
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/metrics", ex -> {
            byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        target.start();
        prometheus = PrometheusServer.start(dir, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: opencost
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(target.getAddress().getPort()), Duration.ofSeconds(30),
                "--storage.tsdb.retention.time=60d");
        url = prometheus.url;
        client = new Prometheus(url, Duration.ofSeconds(10));
    }

    /** Samples at every multiple of STEP in [from, to), family by family as OpenMetrics wants them. */
    private void backfill(long from, long to) throws IOException, InterruptedException {
        Path om = dir.resolve("history.om");
        try (Writer w = Files.newBufferedWriter(om)) {
            String family = null;
            for (Series s : series.stream().sorted(Comparator.comparing(Series::name)).toList()) {
                if (!s.name().equals(family)) {
                    family = s.name();
                    w.write("# TYPE " + family + " gauge\n");
                }
                for (long t = from - Math.floorMod(from, STEP); t < to; t += STEP) {
                    if (t >= from && s.present().test(t)) {
                        w.write(s.line() + " " + t + "\n");
                    }
                }
            }
            w.write("# EOF\n");
        }
        Process p = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", "-q",
                om.toString(), dir.resolve("data").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("promtool.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("promtool failed: " + Files.readString(dir.resolve("promtool.log")));
        }
    }

    private String exposition() {
        long now = Instant.now().getEpochSecond();
        StringBuilder b = new StringBuilder();
        for (Series s : series) {
            if (s.present().test(now)) {
                b.append(s.line()).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        prometheus.close();
        target.stop(0);
    }
}
