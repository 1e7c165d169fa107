package io.recoflow.operator.budget;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The one place that posts budget notifications: {@code {"text": "..."}} to a webhook, which Slack incoming
 * webhooks and Microsoft Teams (incoming webhook and Workflows) both accept.
 */
public final class Notifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @throws IOException when the webhook does not answer 2xx (the caller reports it; spend is unaffected) */
    public void post(String url, String text) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("text", text).toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("webhook answered HTTP " + r.statusCode());
        }
    }
}
