package io.recoflow.recommend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A TF Serving stand-in for tests (also in the test-jar, for e2e): answers any
 * {@code /v1/models/NAME/(labels|versions)/X:predict} with the first k item indices and counts the requests per
 * target ("NAME/labels/canary"). Requests that do not look like the service's predict call are counted as bad.
 */
public final class TfServingStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong badRequests = new AtomicLong();

    /** @param items how many items the model knows (indices answered are below it) */
    public TfServingStub(int items) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/models/", ex -> {
            // e.g. /v1/models/recommender/labels/canary:predict -> "recommender/labels/canary"
            String path = ex.getRequestURI().getPath();
            String target = path.substring("/v1/models/".length(), path.length() - ":predict".length());
            JsonNode req = JSON.readTree(ex.getRequestBody());
            JsonNode in = req.path("inputs");
            int k = in.path("k").asInt();
            if (!"POST".equals(ex.getRequestMethod()) || !path.endsWith(":predict")
                    || !"serving_default".equals(req.path("signature_name").asText())
                    || !in.path("history").isArray() || k < 1) {
                badRequests.incrementAndGet();
            }
            calls.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
            int n = Math.min(Math.max(k, 1), items);
            byte[] body = JSON.writeValueAsBytes(Map.of("outputs", Map.of(
                    "indices", IntStream.range(0, n).toArray(),
                    "scores", IntStream.range(0, n).mapToDouble(i -> 1.0 / (i + 1)).toArray())));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public long calls(String target) {
        AtomicLong n = calls.get(target);
        return n == null ? 0 : n.get();
    }

    public Set<String> targets() {
        return Set.copyOf(calls.keySet());
    }

    public long badRequests() {
        return badRequests.get();
    }

    public void reset() {
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
