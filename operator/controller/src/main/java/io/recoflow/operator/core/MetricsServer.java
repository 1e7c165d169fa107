package io.recoflow.operator.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * /metrics (Prometheus text format: JOSDK reconcile timers and counters via micrometer-support, JVM meters) and
 * /healthz (readiness: 200 once the operator started and every informer is healthy, 503 otherwise) and /livez
 * (liveness: the process answers; a replica waiting for the leader lease must not be restarted) on the JDK
 * HttpServer.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    public MetricsServer(int port, PrometheusMeterRegistry registry, Operator operator) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/healthz", ex -> {
            var info = operator.getRuntimeInfo();
            boolean ok = info.isStarted() && info.allEventSourcesAreHealthy();
            send(ex, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "unhealthy: " + info.unhealthyEventSources() + "\n");
        });
        server.createContext("/livez", ex -> send(ex, 200, "text/plain", "ok\n"));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
