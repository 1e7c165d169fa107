package io.recoflow.operator.model.analysis;

import com.sun.net.httpserver.HttpServer;
import io.recoflow.operator.testing.PrometheusServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian package {@code prometheus}) scraping, every second, an endpoint served here that
 * exposes {@code recoflow_recommend_scoring_seconds{model_version, result}} the way the recommendation service
 * does. Each version's latency and error share are set by the test; counters grow 100 calls per scrape.
 */
public final class PrometheusFixture implements AutoCloseable {
    public static final Path BINARY = PrometheusServer.BINARY;
    static final double[] LE = {0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1};

    /** Latency of every call and the share of calls that fail. */
    public record Behaviour(double seconds, double errorShare) {}

    private final Map<String, Behaviour> versions = new ConcurrentHashMap<>();
    private final Map<String, long[]> totals = new ConcurrentHashMap<>();
    private final Map<String, Double> gauges = new ConcurrentHashMap<>();
    private final HttpServer target;
    private final PrometheusServer prometheus;
    public final URI url;

    /** Skips the calling test (JUnit assumption) when the binary is absent. */
    public static PrometheusFixture start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "Prometheus binary " + BINARY
                + " not found: skipping the real-Prometheus analysis test (apt-get install -y prometheus)");
        return new PrometheusFixture();
    }

    private PrometheusFixture() throws Exception {
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
        prometheus = PrometheusServer.start(Files.createTempDirectory("recoflow-prom"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: canary
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(target.getAddress().getPort()), Duration.ofSeconds(20));
        url = prometheus.url;
    }

    public PrometheusFixture version(long version, Behaviour b) {
        versions.put(Long.toString(version), b);
        return this;
    }

    /** Any other series, as written in the exposition format, e.g. {@code name{label="v"}}, and its value. */
    public PrometheusFixture gauge(String series, double value) {
        gauges.put(series, value);
        return this;
    }

    /** The feature worker's per-variant counts of an experiment, as it exposes them. */
    public PrometheusFixture experiment(String experiment, String variant, long exposed, long clicked,
            long converted) {
        String l = "experiment=\"" + experiment + "\",variant=\"" + variant + "\"";
        gauge("recoflow_experiment_users{" + l + ",outcome=\"exposed\"}", exposed);
        gauge("recoflow_experiment_users{" + l + ",outcome=\"clicked\"}", clicked);
        gauge("recoflow_experiment_users{" + l + ",outcome=\"converted\"}", converted);
        gauge("recoflow_experiment_clicks{" + l + "}", clicked);
        return gauge("recoflow_experiment_clicks_squared{" + l + "}", clicked);
    }

    synchronized String exposition() {
        StringBuilder b = new StringBuilder();
        gauges.forEach((series, v) -> b.append(series).append(' ').append(v).append('\n'));
        b.append("# TYPE recoflow_recommend_scoring_seconds histogram\n");
        versions.forEach((v, behaviour) -> {
            long[] t = totals.computeIfAbsent(v, k -> new long[2]);
            long errors = Math.round(100 * behaviour.errorShare());
            t[0] += 100 - errors;
            t[1] += errors;
            series(b, v, "ok", behaviour.seconds(), t[0]);
            series(b, v, "error", behaviour.seconds(), t[1]);
        });
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

    public static int freePort() throws IOException {
        return PrometheusServer.freePort();
    }

    @Override
    public void close() throws IOException {
        prometheus.close();
        target.stop(0);
    }
}
