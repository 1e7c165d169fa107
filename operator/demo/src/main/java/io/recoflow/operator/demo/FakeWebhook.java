package io.recoflow.operator.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A SIMULATED Slack/Teams incoming webhook: keeps the text of each {@code {"text": ...}} post for the demo to print
 * (from its own thread, so it does not interleave with the tables).
 */
final class FakeWebhook implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Queue<String> texts = new ConcurrentLinkedQueue<>();
    private final HttpServer server;

    FakeWebhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::post);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/recoflow";
    }

    /** The next text posted and not taken yet, or null. */
    String next() {
        return texts.poll();
    }

    private void post(HttpExchange ex) throws IOException {
        try (ex) {
            texts.add(JSON.readTree(ex.getRequestBody()).path("text").asText());
            ex.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
