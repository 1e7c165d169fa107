package io.recoflow.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Replays each customer's last N distinct purchased items from Online Retail as purchase events through the
 * collector's batch endpoint (timestamps now, so the popularity buckets are current), then waits until the
 * recommendation service answers a seeded customer from the model, i.e. the feature worker has caught up.
 * Usage: Seeder COLLECTOR_URL RECOMMEND_URL DATASET PER_CUSTOMER
 */
public final class Seeder {
    public static void main(String[] args) throws Exception {
        String collector = args[0];
        String recommend = args[1];
        RetailData data = RetailData.load(Path.of(args[2]));
        int perCustomer = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newHttpClient();
        List<String> batch = new ArrayList<>(500);
        int sent = 0;
        for (Map.Entry<String, List<String>> c : data.itemsByCustomer.entrySet()) {
            List<String> items = c.getValue();
            for (String item : items.subList(Math.max(0, items.size() - perCustomer), items.size())) {
                batch.add("{\"eventId\":\"seed-" + UUID.randomUUID() + "\",\"type\":\"purchase\",\"userId\":\"" + c.getKey()
                        + "\",\"itemId\":\"" + item + "\",\"timestamp\":\"" + Instant.now() + "\"}");
                if (batch.size() == 500) {
                    sent += post(http, collector, batch);
                }
            }
        }
        if (!batch.isEmpty()) {
            sent += post(http, collector, batch);
        }
        System.out.printf("seeded %d purchase events for %d customers%n", sent, data.itemsByCustomer.size());
        // every seeded customer must be known to the feature store before the load starts (a worker partition can
        // lag behind the others, and RECOMMEND_ONLY stops the worker right after this); unknown_items is fine
        List<String> pending = new ArrayList<>(data.itemsByCustomer.keySet());
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<String> still = new ArrayList<>();
            for (String customer : pending) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create(recommend + "/v1/recommendations/" + customer + "?k=10")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || r.body().contains("\"fallback\":\"unknown_user\"")
                        || r.body().contains("\"fallback\":\"redis_unavailable\"")) {
                    still.add(customer);
                }
            }
            if (still.isEmpty()) {
                System.out.printf("features applied: all %d seeded customers are known to the feature store%n",
                        data.itemsByCustomer.size());
                return;
            }
            System.out.printf("%d customers not applied yet%n", still.size());
            pending = still;
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the feature worker did not apply the seeded events within 180 s");
    }

    private static int post(HttpClient http, String collector, List<String> batch) throws Exception {
        String body = "[" + String.join(",", batch) + "]";
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(collector + "/v1/events:batch"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
                int n = batch.size();
                batch.clear();
                return n;
            }
            if (attempt == 5) {
                throw new IllegalStateException("collector answered " + r.statusCode() + ": " + r.body());
            }
            Thread.sleep(1000L * attempt);
        }
    }
}
