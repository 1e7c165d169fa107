package io.recoflow.recommend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A TF Serving stand-in for tests (also in the test-jar, for e2e): answers any
 * {@code /v1/models/NAME/(labels|versions)/X:predict} with the first k item indices and counts the requests per
 * target ("NAME/labels/canary"). Requests that do not look like the service's predict call are counted as bad.
 * {@link #delay} slows the answers of one version or label, e.g. for a latency guardrail.
 */
public final class TfServingStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong badRequests = new AtomicLong();
    /** selector ("versions/2", "labels/canary") -> delay before answering */
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final ExecutorService handlers;

    /** @param items how many items the model knows (indices answered are below it) */
    public TfServingStub(int items) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // a thread per request in flight: a delayed version must not hold up the answers of the others
        handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tf-serving-stub");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext("/v1/models/", ex -> {
            // e.g. /v1/models/recommender/labels/canary:predict -> "recommender/labels/canary"
            String path = ex.getRequestURI().getPath();
            String target = path.substring("/v1/models/".length(), path.length() - ":predict".length());
            Duration delay = delays.get(target.substring(target.indexOf('/') + 1));
            if (delay != null) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
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

    /**
     * Answers of {@code version} wait {@code delay} first; zero removes it. Only requests by {@code versions/V}: the
     * service asks for the serving file's stable and canary versions by label, so delay {@code labels/L} for those.
     */
    public TfServingStub delay(long version, Duration delay) {
        return delay("versions/" + version, delay);
    }

    /** @param selector {@code versions/V} or {@code labels/L}, as in the request path after the model name */
    public TfServingStub delay(String selector, Duration delay) {
        if (delay.isZero()) {
            delays.remove(selector);
        } else {
            delays.put(selector, delay);
        }
        return this;
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
        handlers.shutdownNow();
    }
}
