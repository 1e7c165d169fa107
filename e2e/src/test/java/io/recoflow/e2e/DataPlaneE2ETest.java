package io.recoflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.collector.CollectorApplication;
import io.recoflow.common.ModelMetadata;
import io.recoflow.featureworker.WorkerApplication;
import io.recoflow.recommend.RecommendApplication;
import io.recoflow.trainer.TrainerMain;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.embedded.RedisServer;

/**
 * The whole online data plane in one JVM: collector, feature worker and recommendation service (three Spring
 * contexts on random ports) on a real KRaft broker and a real redis-server, scoring with an EASE SavedModel that the
 * trainer CLI trains on the Online Retail sample, exactly as the training Job would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataPlaneE2ETest {
    static EmbeddedKafkaKraftBroker kafka;
    static RedisServer redis;
    static int redisPort;
    static ConfigurableApplicationContext collector;
    static ConfigurableApplicationContext worker;
    static ConfigurableApplicationContext recommend;
    static ModelMetadata model;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createTempDirectory("e2e-models");
        Path sample = Path.of(System.getProperty("recoflow.dataset.dir"), "online_retail_sample.csv.gz");
        assertThat(sample).as("Online Retail sample (surefire property recoflow.dataset.dir)").exists();
        // the model the training Job would produce: EASE trained by the trainer CLI on real purchases
        int rc = TrainerMain.execute(System.out, "train", "--data", sample.toString(), "--model", "ease:lambda=100",
                "--out", models.toString(), "--version", "1", "--exclude-history");
        assertThat(rc).as("trainer exit code").isZero();
        assertThat(ModelMetadata.read(models.resolve("1")).modelType()).isEqualTo("ease");
        model = ModelMetadata.read(models.resolve("1"));

        kafka = new EmbeddedKafkaKraftBroker(1, 2);
        kafka.afterPropertiesSet();
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redis = new RedisServer(redisPort);
        redis.start();
        String bootstrap = kafka.getBrokersAsString();
        collector = CollectorApplication.start(Map.of(
                "server.port", 0,
                "recoflow.collector.bootstrap-servers", bootstrap,
                "recoflow.collector.topic-partitions", 2));
        worker = WorkerApplication.start(Map.of(
                "server.port", 0,
                "recoflow.worker.bootstrap-servers", bootstrap,
                "recoflow.worker.topic-partitions", 2,
                "recoflow.worker.redis-host", "127.0.0.1",
                "recoflow.worker.redis-port", redisPort));
        recommend = RecommendApplication.start(Map.of(
                "server.port", 0,
                "recoflow.recommend.redis.host", "127.0.0.1",
                "recoflow.recommend.redis.port", redisPort,
                "recoflow.recommend.redis.retry-after-failure", "0ms",
                "recoflow.recommend.model.base-dir", models.toString(),
                "recoflow.recommend.model.poll-interval", "200ms",
                "recoflow.recommend.impressions.bootstrap-servers", bootstrap));
        await().atMost(Duration.ofSeconds(60)).until(() -> get(recommend, "/actuator/health/readiness").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {recommend, worker, collector}) {
            if (c != null) {
                c.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    @Order(1)
    void postingEventsToTheCollectorChangesTheUsersRecommendations() throws Exception {
        String user = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode before = recommend(user);
        assertThat(before.path("fallback").asText()).isEqualTo("unknown_user");

        // three real items of the catalogue the model was trained on
        List<String> bought = model.items().subList(0, 3);
        List<String> events = new ArrayList<>();
        Instant t = Instant.now().minusSeconds(30);
        for (int i = 0; i < bought.size(); i++) {
            events.add(event("view", user, bought.get(i), t.plusSeconds(i)));
            events.add(event("purchase", user, bought.get(i), t.plusSeconds(i).plusMillis(500)));
        }
        HttpResponse<String> posted = post(collector, "/v1/events:batch", "[" + String.join(",", events) + "]");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

        JsonNode after = await().atMost(Duration.ofSeconds(60)).until(() -> recommend(user), r -> !r.has("fallback"));
        assertThat(after.path("modelVersion").asText()).isEqualTo("1");
        List<String> items = new ArrayList<>();
        after.path("items").forEach(i -> items.add(i.path("itemId").asText()));
        assertThat(items).isNotEmpty().doesNotContainAnyElementsOf(bought);
        assertThat(items).isNotEqualTo(ids(before));
    }

    @Test
    @Order(2)
    void redisDownDegradesToTheFallbackNotAnError() throws Exception {
        redis.stop();
        try {
            HttpResponse<String> r = get(recommend, "/v1/recommendations/anyone?k=5");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("fallback").asText()).isEqualTo("redis_unavailable");
        } finally {
            redis = new RedisServer(redisPort);
            redis.start();
        }
    }

    static List<String> ids(JsonNode r) {
        List<String> out = new ArrayList<>();
        r.path("items").forEach(i -> out.add(i.path("itemId").asText()));
        return out;
    }

    static JsonNode recommend(String user) throws Exception {
        HttpResponse<String> r = get(recommend, "/v1/recommendations/" + user + "?k=10");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String event(String type, String user, String item, Instant ts) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"userId\":\"" + user
                + "\",\"itemId\":\"" + item + "\",\"timestamp\":\"" + ts + "\"}";
    }

    static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    static HttpResponse<String> post(ConfigurableApplicationContext app, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(app) + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(app) + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
