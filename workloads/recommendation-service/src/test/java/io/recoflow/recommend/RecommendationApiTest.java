package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.Json;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.Topics;
import io.recoflow.recommend.features.Popularity;
import io.recoflow.recommend.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.Jedis;

/** The recommendation API against a real redis-server, a real SavedModel and a real KRaft broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=" + RecommendApplication.CONFIG_NAME)
@AutoConfigureObservability
class RecommendationApiTest {
    // A..F then P0..P24; the graph rejects histories longer than 20 items (an Assert op), a real TF failure
    static final List<String> ITEMS = java.util.stream.Stream.concat(Stream.of("A", "B", "C", "D", "E", "F"),
            java.util.stream.IntStream.range(0, 25).mapToObj(i -> "P" + i)).toList();
    static final Path MODELS = TestInfra.tempDir("models");

    @Autowired
    TestRestTemplate http;
    @Autowired
    Popularity popularity;
    @Autowired
    ModelRegistry models;

    final ObjectMapper json = new ObjectMapper();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws IOException {
        if (!MODELS.resolve("1").toFile().exists()) {
            TestModels.write(MODELS, 1, ITEMS, TestModels.chain(ITEMS.size()), true, 20);
        }
        r.add("recoflow.recommend.redis.port", TestInfra::redisPort);
        r.add("recoflow.recommend.model.base-dir", MODELS::toString);
        r.add("recoflow.recommend.model.poll-interval", () -> "200ms");
        r.add("recoflow.recommend.impressions.bootstrap-servers", TestInfra::kafka);
        r.add("recoflow.recommend.redis.retry-after-failure", () -> "0ms");
    }

    @BeforeAll
    static void seed() {
        try (Jedis j = TestInfra.jedis()) {
            j.flushAll();
            long now = System.currentTimeMillis();
            j.zadd(RedisKeys.recentItems("u1"), Map.of("A", (double) now - 1000, "C", (double) now));
            j.zadd(RedisKeys.recentItems("u2"), Map.of("A", (double) now));
            j.sadd(RedisKeys.purchased("u2"), "B");
            for (int i = 0; i < 25; i++) {
                j.zadd(RedisKeys.recentItems("poisoned"), now + i, "P" + i);
            }
            j.zadd(RedisKeys.recentItems("stranger"), Map.of("NOT-IN-MODEL", (double) now));
            long hour = now / 3_600_000L;
            j.zadd(RedisKeys.popularityBucket(hour), Map.of("F", 10.0, "E", 5.0));
            j.zadd(RedisKeys.popularityBucket(hour - 1), Map.of("E", 20.0, "D", 1.0));
        }
    }

    JsonNode get(String path) throws IOException {
        ResponseEntity<String> r = http.getForEntity(path, String.class);
        assertThat(r.getStatusCode().value()).as(path + " -> " + r.getBody()).isEqualTo(200);
        return json.readTree(r.getBody());
    }

    List<String> ids(JsonNode r) {
        List<String> out = new ArrayList<>();
        r.path("items").forEach(i -> out.add(i.path("itemId").asText()));
        return out;
    }

    void awaitModel() {
        await().atMost(Duration.ofSeconds(20)).until(() -> models.latestVersion() == 1);
    }

    @Test
    void scoresTheUsersHistoryWithTheModel() throws IOException {
        awaitModel();
        JsonNode r = get("/v1/recommendations/u1?k=3");
        // history A (->B) and C (->D), each also 0.5 on itself
        assertThat(ids(r)).containsExactlyInAnyOrder("B", "D", "A");
        assertThat(ids(r).subList(0, 2)).containsExactlyInAnyOrder("B", "D");
        assertThat(r.path("modelVersion").asText()).isEqualTo("1");
        assertThat(r.has("fallback")).isFalse();
        assertThat(r.path("items").get(0).path("score").floatValue()).isEqualTo(1f);
    }

    @Test
    void dropsPurchasedItemsWhenTheModelSaysSo() throws IOException {
        awaitModel();
        JsonNode r = get("/v1/recommendations/u2?k=5");
        // A -> B is the best score, but u2 bought B
        assertThat(ids(r)).doesNotContain("B").hasSize(5);
        assertThat(r.has("fallback")).isFalse();
    }

    @Test
    void unknownUserGetsPopularityFlagged() throws IOException {
        awaitModel();
        popularity.refresh();
        JsonNode r = get("/v1/recommendations/nobody?k=3");
        assertThat(r.path("fallback").asText()).isEqualTo("unknown_user");
        assertThat(ids(r)).containsExactly("E", "F", "D");
        assertThat(r.has("modelVersion")).isFalse();

        JsonNode s = get("/v1/recommendations/stranger?k=2");
        assertThat(s.path("fallback").asText()).isEqualTo("unknown_items");
    }

    @Test
    void modelFailureFallsBackAndIsCounted() throws IOException {
        awaitModel();
        JsonNode r = get("/v1/recommendations/poisoned?k=2");
        assertThat(r.path("fallback").asText()).isEqualTo("model_error");
        assertThat(r.path("items")).hasSize(2);
        String prom = http.getForObject("/actuator/prometheus", String.class);
        assertThat(prom).containsPattern("recoflow_recommend_fallback_total\\{[^}]*reason=\"model_error\"[^}]*} [1-9]");
        assertThat(prom).contains("recoflow_model_version");
        assertThat(prom).contains("recoflow_recommend_request_seconds_bucket");
        // per version and result: what the operator's canary analysis queries
        assertThat(prom).containsPattern(
                "recoflow_recommend_scoring_seconds_count\\{[^}]*model_version=\"[0-9]+\"[^}]*result=\"error\"[^}]*} [1-9]");
    }

    @Test
    void redisDownMeansFallbackNeverA500() throws Exception {
        awaitModel();
        popularity.refresh();
        TestInfra.stopRedis();
        try {
            JsonNode r = get("/v1/recommendations/u1?k=2");
            assertThat(r.path("fallback").asText()).isEqualTo("redis_unavailable");
            assertThat(r.path("items")).hasSize(2);
            JsonNode health = json.readTree(http.getForEntity("/actuator/health", String.class).getBody());
            assertThat(health.path("components").path("redis").path("status").asText()).isEqualTo("DOWN");
            // readiness stays UP: the service still answers
            assertThat(http.getForEntity("/actuator/health/readiness", String.class).getStatusCode().value()).isEqualTo(200);
        } finally {
            TestInfra.startRedis();
            seed();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(get("/v1/recommendations/u1?k=2").has("fallback")).isFalse());
    }

    @Test
    void rejectsBadInputWith400() throws IOException {
        for (String path : List.of("/v1/recommendations/u1?k=0", "/v1/recommendations/u1?k=x",
                "/v1/recommendations/u1?k=101", "/v1/recommendations/u1?k=", "/v1/recommendations/bad%20id",
                "/v1/recommendations/", "/v1/recommendations/a%22b", "/v1/recommendations/" + "x".repeat(300))) {
            ResponseEntity<String> r = http.getForEntity(path, String.class);
            assertThat(r.getStatusCode().value()).as(path).isEqualTo(400);
            // a JSON body with the reason, never an HTML error page
            assertThat(json.readTree(r.getBody()).path("error").asText()).as(path).isNotBlank();
            assertThat(r.getHeaders().getContentType().toString()).startsWith("application/json");
        }
        assertThat(http.getForObject("/actuator/prometheus", String.class))
                .containsPattern("recoflow_recommend_rejected_total\\{[^}]*} ([89]|[1-9][0-9])");
    }

    @Test
    void kDefaultsToTen() throws IOException {
        awaitModel();
        JsonNode r = get("/v1/recommendations/u2");
        assertThat(r.path("items").size()).isLessThanOrEqualTo(10).isGreaterThan(0);
        assertThat(r.path("userId").asText()).isEqualTo("u2");
    }

    @Test
    void readinessMeansAModelIsLoaded() throws IOException {
        awaitModel();
        JsonNode ready = get("/actuator/health/readiness");
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        assertThat(get("/v1/ping").path("status").asText()).isEqualTo("ok");
    }

    @Test
    void publishesImpressionsToKafka() throws IOException {
        awaitModel();
        String user = "imp-" + UUID.randomUUID().toString().substring(0, 8);
        try (Jedis j = TestInfra.jedis()) {
            j.zadd(RedisKeys.recentItems(user), System.currentTimeMillis(), "D");
        }
        JsonNode r = get("/v1/recommendations/" + user + "?k=2");
        List<String> shown = ids(r);
        ObjectMapper events = Json.mapper();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafka(),
                ConsumerConfig.GROUP_ID_CONFIG, "t-" + user,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(Topics.EVENTS));
            List<Event> mine = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(200))) {
                    Event e = events.readValue(rec.value(), Event.class);
                    if (user.equals(e.userId())) {
                        assertThat(rec.key()).isEqualTo(user);
                        mine.add(e);
                    }
                }
                return !mine.isEmpty();
            });
            // one event for the whole list, in rank order
            assertThat(mine).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(EventType.REC_IMPRESSION);
                assertThat(e.modelVersion()).isEqualTo("1");
                assertThat(e.items()).containsExactlyElementsOf(shown);
                assertThat(e.itemId()).isEqualTo(shown.get(0));
            });
        }
    }
}
