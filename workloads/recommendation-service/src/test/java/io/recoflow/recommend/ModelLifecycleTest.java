package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.common.RedisKeys;
import io.recoflow.recommend.experiment.ExperimentRouter;
import io.recoflow.recommend.model.ModelRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.Jedis;

/** A/B routing to pinned model versions, then a hot swap under concurrent requests. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=" + RecommendApplication.CONFIG_NAME)
@AutoConfigureObservability
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelLifecycleTest {
    static final List<String> ITEMS = List.of("A", "B", "C", "D", "E");
    static final Path MODELS = TestInfra.tempDir("lifecycle-models");
    static final Path EXPERIMENTS = MODELS.getParent().resolve(MODELS.getFileName() + "-experiments.yaml");

    @Autowired
    ModelRegistry models;
    @Autowired
    ExperimentRouter router;
    @LocalServerPort
    int port;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient client = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws IOException {
        if (!Files.exists(MODELS.resolve("1"))) {
            TestModels.write(MODELS, 1, ITEMS, TestModels.chain(5), false);
            TestModels.write(MODELS, 2, ITEMS, TestModels.chain(5), false);
            Files.writeString(EXPERIMENTS, """
                    experiments:
                      - name: shop/v1-vs-v2
                        salt: lifecycle
                        variants:
                          - {name: control, weight: 50, modelVersion: 1}
                          - {name: candidate, weight: 50, modelVersion: 2}
                    """);
        }
        r.add("recoflow.recommend.redis.port", TestInfra::redisPort);
        r.add("recoflow.recommend.model.base-dir", MODELS::toString);
        r.add("recoflow.recommend.model.poll-interval", () -> "100ms");
        r.add("recoflow.recommend.model.keep-latest", () -> "1");
        r.add("recoflow.recommend.experiments.file", EXPERIMENTS::toString);
        r.add("recoflow.recommend.experiments.poll-interval", () -> "100ms");
    }

    JsonNode get(String user) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/v1/recommendations/" + user + "?k=2")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }

    static void seedUsers(int n) {
        try (Jedis j = TestInfra.jedis()) {
            for (int i = 0; i < n; i++) {
                j.zadd(RedisKeys.recentItems("life-" + i), Map.of("A", 1.0, "C", 2.0));
            }
        }
    }

    @Test
    @Order(1)
    void variantsAreServedByTheirPinnedVersions() throws Exception {
        seedUsers(40);
        await().atMost(Duration.ofSeconds(20)).until(() -> models.loadedVersions().equals(Set.of(1L, 2L)));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Map<String, Integer> served = new java.util.HashMap<>();
        for (int i = 0; i < 40; i++) {
            JsonNode r = get("life-" + i);
            assertThat(r.has("fallback")).isFalse();
            String variant = r.path("variant").asText();
            assertThat(r.path("experiment").asText()).isEqualTo("shop/v1-vs-v2");
            assertThat(r.path("modelVersion").asText()).isEqualTo(variant.equals("control") ? "1" : "2");
            JsonNode again = get("life-" + i);
            assertThat(again.path("variant").asText()).isEqualTo(variant);
            served.merge(variant + (again.has("fallback") ? "/fallback" : "/model"), 1, Integer::sum);
            served.merge(variant + "/model", 1, Integer::sum);
            seen.add(variant);
        }
        assertThat(seen).containsExactlyInAnyOrder("control", "candidate");
        // users without features are answered by the fallback, and counted under their variant as such
        for (int i = 0; i < 6; i++) {
            JsonNode r = get("life-unknown-" + i);
            assertThat(r.path("fallback").asText()).isEqualTo("unknown_user");
            served.merge(r.path("variant").asText() + "/fallback", 1, Integer::sum);
        }
        String prom = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String variant : List.of("control", "candidate")) {
            for (String outcome : List.of("model", "fallback")) {
                // every series exists from the start (0 before the first such response)
                assertThat(prom).containsPattern("recoflow_recommend_experiment_responses_total\\{[^}]*"
                        + "experiment=\"shop/v1-vs-v2\",outcome=\"" + outcome + "\",variant=\"" + variant + "\"\\} "
                        + served.getOrDefault(variant + "/" + outcome, 0) + ".0\n");
            }
        }
    }

    @Test
    @Order(2)
    void hotSwapUnderConcurrentRequestsDropsNothing() throws Exception {
        seedUsers(40);
        // unpin: everyone on the newest version, so v1 and v2 become retirable
        Files.writeString(EXPERIMENTS, "experiments: []\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> router.pinnedVersions().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> models.loadedVersions().equals(Set.of(2L)));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, Long> versions = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int id = t;
            pool.submit(() -> {
                int i = id;
                while (!stop.get()) {
                    try {
                        JsonNode r = get("life-" + (i++ % 40));
                        if (r.has("fallback")) {
                            failed.incrementAndGet();
                        } else {
                            versions.merge(r.path("modelVersion").asText(), 1L, Long::sum);
                            ok.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);
        TestModels.write(MODELS, 3, ITEMS, TestModels.chain(5), false);
        await().atMost(Duration.ofSeconds(20)).until(() -> versions.getOrDefault("3", 0L) > 50);
        TestModels.write(MODELS, 4, ITEMS, TestModels.chain(5), false);
        await().atMost(Duration.ofSeconds(20)).until(() -> versions.getOrDefault("4", 0L) > 50);
        stop.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(failed.get()).as("failed or degraded responses during the swaps").isZero();
        assertThat(versions.keySet()).contains("2", "3", "4");
        assertThat(models.loadedVersions()).containsExactly(4L);
    }
}
