package io.recoflow.collector;

import com.fasterxml.jackson.databind.JsonNode;
import io.recoflow.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** HTTP calls and event JSON for the collector tests. */
final class CollectorTestSupport {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private CollectorTestSupport() {}

    static String base(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    static HttpResponse<String> post(String url, String body) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String newId() {
        return "ev-" + UUID.randomUUID();
    }

    /** A valid event JSON: {@code type} is a wire name. */
    static String event(String eventId, String type, String userId, String itemId) {
        Instant ts = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return "{\"eventId\":\"" + eventId + "\",\"type\":\"" + type + "\",\"userId\":\"" + userId
                + "\",\"itemId\":\"" + itemId + "\",\"timestamp\":\"" + ts + "\"}";
    }

    static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String eventId(String eventJson) {
        return json(eventJson).path("eventId").asText();
    }
}
