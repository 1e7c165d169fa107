package io.recoflow.operator.model.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.operator.model.analysis.AnalysisResult.Measured;
import io.recoflow.operator.api.spec.Slo;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The one place that talks to Prometheus: instant queries over {@code /api/v1/query}. */
public final class PrometheusAnalysis implements CanaryAnalysis {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public PrometheusAnalysis(URI base, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public AnalysisResult analyze(String namespace, String model, long version, Slo slo) {
        if (slo == null || (slo.p95LatencyMs == null && slo.maxErrorRate == null)) {
            return Judge.judge(version, slo, Measured.NONE);
        }
        Queries q = Queries.of(slo);
        try {
            Double p95 = slo.p95LatencyMs == null ? null
                    : query(q.render(q.p95LatencyMs(), namespace, model, version));
            Double errors = slo.maxErrorRate == null ? null
                    : query(q.render(q.errorRate(), namespace, model, version));
            return Judge.judge(version, slo, new Measured(p95, errors));
        } catch (QueryException e) {
            return new AnalysisResult.Inconclusive("version " + version + ": " + e.getMessage(), Measured.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AnalysisResult.Inconclusive("version " + version + ": interrupted", Measured.NONE);
        }
    }

    /** The first sample of an instant query; null when the result is empty (no data yet). */
    Double query(String promql) throws QueryException, InterruptedException {
        URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> rsp;
        try {
            rsp = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new QueryException("Prometheus " + base + " unreachable: " + e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(rsp.body());
        } catch (IOException e) {
            throw new QueryException("Prometheus answered HTTP " + rsp.statusCode() + " with no JSON");
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new QueryException("Prometheus rejected query (" + body.path("errorType").asText() + ": "
                    + body.path("error").asText() + "): " + promql);
        }
        JsonNode data = body.path("data");
        JsonNode value = switch (data.path("resultType").asText()) {
            case "vector" -> data.path("result").isEmpty() ? null : data.path("result").get(0).path("value");
            case "scalar" -> data.path("result");
            default -> throw new QueryException("query must return a vector or scalar, got "
                    + data.path("resultType").asText() + ": " + promql);
        };
        if (value == null) {
            return null;
        }
        if (data.path("result").size() > 1 && "vector".equals(data.path("resultType").asText())) {
            throw new QueryException("query returned " + data.path("result").size()
                    + " series; aggregate it to one: " + promql);
        }
        double d = parse(value.path(1).asText());
        return Double.isNaN(d) ? null : d;
    }

    private static double parse(String s) throws QueryException {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new QueryException("not a sample value: " + s);
                }
            }
        };
    }

    static final class QueryException extends Exception {
        QueryException(String message) {
            super(message);
        }
    }
}
