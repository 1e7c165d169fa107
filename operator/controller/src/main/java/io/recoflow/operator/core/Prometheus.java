package io.recoflow.operator.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that talks to Prometheus: instant queries over {@code /api/v1/query}, for the canary analysis and
 * the A/B experiments alike.
 */
public final class Prometheus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public Prometheus(URI base, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The one sample of an instant query; null when the result is empty (no data yet) or NaN. */
    public Double scalar(String promql) throws QueryException, InterruptedException {
        JsonNode data = query(promql);
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

    /**
     * Every series of an instant vector query, keyed by the values of {@code labels} (in that order; a missing
     * label is ""). NaN samples are left out.
     */
    public Map<List<String>, Double> vector(String promql, String... labels) throws QueryException,
            InterruptedException {
        JsonNode data = query(promql);
        if (!"vector".equals(data.path("resultType").asText())) {
            throw new QueryException("query must return a vector, got " + data.path("resultType").asText() + ": "
                    + promql);
        }
        Map<List<String>, Double> out = new LinkedHashMap<>();
        for (JsonNode series : data.path("result")) {
            List<String> key = new ArrayList<>(labels.length);
            for (String l : labels) {
                key.add(series.path("metric").path(l).asText(""));
            }
            double d = parse(series.path("value").path(1).asText());
            if (!Double.isNaN(d)) {
                out.put(List.copyOf(key), d);
            }
        }
        return out;
    }

    public URI base() {
        return base;
    }

    private JsonNode query(String promql) throws QueryException, InterruptedException {
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
        return body.path("data");
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

    /** Prometheus unreachable, the query refused, or an answer of the wrong shape; the message says which. */
    public static final class QueryException extends Exception {
        public QueryException(String message) {
            super(message);
        }
    }
}
