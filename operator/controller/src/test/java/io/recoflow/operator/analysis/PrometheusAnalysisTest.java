package io.recoflow.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.recoflow.operator.api.spec.Slo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real Prometheus (Debian package {@code prometheus}) scraping, every second, an endpoint this test serves:
 * version 1 is a healthy canary (8 ms, no errors), version 2 a slow (300 ms) and erroring (30%) one, version 3 has
 * no samples at all.
 */
class PrometheusAnalysisTest {
    static final Path BINARY = Path.of(System.getProperty("recoflow.prometheus.bin", "/usr/bin/prometheus"));
    static final double[] LE = {0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1};

    static HttpServer target;
    static Process prometheus;
    static Path dir;
    static URI url;
    static long scrapes;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "Prometheus binary " + BINARY
                + " not found: skipping the real-Prometheus analysis test (apt-get install -y prometheus)");
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
        dir = Files.createTempDirectory("recoflow-prom");
        int port = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: canary
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(target.getAddress().getPort()));
        prometheus = new ProcessBuilder(BINARY.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        url = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await("Prometheus ready").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> prometheus.isAlive() && http.send(
                        HttpRequest.newBuilder(url.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws IOException {
        if (prometheus != null) {
            prometheus.destroy();
        }
        if (target != null) {
            target.stop(0);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Counters grow by 100 observations per version on each scrape, so rate() has something to work on. */
    static synchronized String exposition() {
        scrapes++;
        StringBuilder b = new StringBuilder("# TYPE recoflow_recommend_scoring_seconds histogram\n");
        series(b, "1", "ok", 0.008, 100 * scrapes);
        series(b, "2", "ok", 0.3, 70 * scrapes);
        series(b, "2", "error", 0.3, 30 * scrapes);
        return b.toString();
    }

    static void series(StringBuilder b, String version, String result, double seconds, long n) {
        String labels = "model_version=\"" + version + "\",result=\"" + result + "\"";
        for (double le : LE) {
            b.append("recoflow_recommend_scoring_seconds_bucket{").append(labels).append(",le=\"").append(le)
                    .append("\"} ").append(seconds <= le ? n : 0).append('\n');
        }
        b.append("recoflow_recommend_scoring_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(n)
                .append('\n');
        b.append("recoflow_recommend_scoring_seconds_sum{").append(labels).append("} ").append(seconds * n)
                .append('\n');
        b.append("recoflow_recommend_scoring_seconds_count{").append(labels).append("} ").append(n).append('\n');
    }

    static Slo slo() {
        Slo s = new Slo();
        s.p95LatencyMs = 50;
        s.maxErrorRate = 0.05;
        s.window = "10s";
        return s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void healthyCanaryPassesSlowErroringCanaryFailsUnseenIsInconclusive() {
        PrometheusAnalysis analysis = new PrometheusAnalysis(url, Duration.ofSeconds(5));
        // until two scrapes are in the window rate() has nothing: Inconclusive, never a wrong verdict
        Awaitility.await("healthy canary judged").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> !(analysis.analyze("ns", "recs", 1, slo()) instanceof AnalysisResult.Inconclusive));

        AnalysisResult healthy = analysis.analyze("ns", "recs", 1, slo());
        assertThat(healthy).isInstanceOf(AnalysisResult.Pass.class);
        assertThat(healthy.measured().p95LatencyMs()).isBetween(5.0, 10.0);
        assertThat(healthy.measured().errorRate()).isEqualTo(0.0);

        AnalysisResult bad = analysis.analyze("ns", "recs", 2, slo());
        assertThat(bad).isInstanceOf(AnalysisResult.Fail.class);
        assertThat(bad.measured().p95LatencyMs()).isBetween(250.0, 500.0);
        assertThat(bad.measured().errorRate()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(bad.message()).contains("p95 latency").contains("> SLO 50ms").contains("error rate")
                .contains("> SLO 0.05000");

        AnalysisResult unseen = analysis.analyze("ns", "recs", 3, slo());
        assertThat(unseen).isInstanceOf(AnalysisResult.Inconclusive.class);
        assertThat(unseen.message()).contains("no data for p95 latency, error rate");
    }

    @Test
    void badQueryAndDeadPrometheusAreInconclusiveWithTheReason() throws IOException {
        Slo s = slo();
        s.p95LatencyQuery = "histogram_quantile(0.95, rate(";
        AnalysisResult bad = new PrometheusAnalysis(url, Duration.ofSeconds(5)).analyze("ns", "recs", 1, s);
        assertThat(bad).isInstanceOf(AnalysisResult.Inconclusive.class);
        assertThat(bad.message()).contains("Prometheus rejected query (bad_data");

        s.p95LatencyQuery = "recoflow_recommend_scoring_seconds_count";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> new PrometheusAnalysis(url,
                Duration.ofSeconds(5)).analyze("ns", "recs", 1, s).message().contains("series; aggregate it"));

        AnalysisResult dead = new PrometheusAnalysis(URI.create("http://127.0.0.1:" + freePort()),
                Duration.ofSeconds(2)).analyze("ns", "recs", 1, slo());
        assertThat(dead).isInstanceOf(AnalysisResult.Inconclusive.class);
        assertThat(dead.message()).contains("unreachable");
    }
}
