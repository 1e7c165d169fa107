package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.RedisKeys;
import io.recoflow.recommend.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

/**
 * The overload policy against a real redis-server and a real SavedModel: with every admission permit taken, a
 * request is shed at once with 503 + Retry-After and counted, while the admitted one still gets the model's answer.
 * The permit is held by a request whose Redis call waits on a real slow Redis ({@code DEBUG SLEEP}), within the
 * Redis timeout: slow, not failed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=" + RecommendApplication.CONFIG_NAME,
        "recoflow.recommend.admission.max-concurrent=1",
        "recoflow.recommend.admission.max-wait=0ms",
        "recoflow.recommend.admission.retry-after=2s",
        "recoflow.recommend.redis.timeout=10s"})
@AutoConfigureObservability
class OverloadTest {
    static final List<String> ITEMS = List.of("A", "B", "C", "D");
    static final Path MODELS = TestInfra.tempDir("models");

    @Autowired
    TestRestTemplate http;
    @Autowired
    ModelRegistry models;
    @Autowired
    MeterRegistry meters;

    final ObjectMapper json = new ObjectMapper();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws IOException {
        if (!MODELS.resolve("1").toFile().exists()) {
            TestModels.write(MODELS, 1, ITEMS, TestModels.chain(ITEMS.size()), true, 20);
        }
        r.add("recoflow.recommend.redis.port", TestInfra::redisPort);
        r.add("recoflow.recommend.model.base-dir", MODELS::toString);
        r.add("recoflow.recommend.model.poll-interval", () -> "200ms");
    }

    @BeforeAll
    static void seed() {
        try (Jedis j = TestInfra.jedis()) {
            j.del(RedisKeys.recentItems("u1"));
            j.zadd(RedisKeys.recentItems("u1"), Map.of("A", 1.0));
        }
    }

    double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    double shed(String reason) {
        return meters.get("recoflow.recommend.shed").tag("reason", reason).counter().count();
    }

    @Test
    void pastTheLimitRequestsAreShedWith503WhileAdmittedOnesGetTheModel() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> models.latestVersion() == 1);
        assertThat(gauge("recoflow.recommend.admission.limit")).isEqualTo(1);
        double shedBefore = shed("concurrency");

        Thread redisAsleep = TestInfra.sleepRedis(3);
        // takes the only permit and waits for Redis to answer
        CompletableFuture<ResponseEntity<String>> admitted = CompletableFuture.supplyAsync(
                () -> http.getForEntity("/v1/recommendations/u1?k=2", String.class));
        await().atMost(Duration.ofSeconds(2)).until(() -> gauge("recoflow.recommend.admission.in_flight") == 1);

        ResponseEntity<String> shed = http.getForEntity("/v1/recommendations/u1?k=2", String.class);
        assertThat(shed.getStatusCode().value()).isEqualTo(503);
        assertThat(shed.getHeaders().getFirst("Retry-After")).isEqualTo("2");
        assertThat(json.readTree(shed.getBody()).path("reason").asText()).isEqualTo("concurrency");
        assertThat(shed("concurrency")).isEqualTo(shedBefore + 1);
        // the trivial endpoint is not behind the limit
        assertThat(http.getForEntity("/v1/ping", String.class).getStatusCode().value()).isEqualTo(200);

        ResponseEntity<String> answer = admitted.get();
        redisAsleep.join();
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        JsonNode body = json.readTree(answer.getBody());
        assertThat(body.has("fallback")).as(answer.getBody()).isFalse();
        assertThat(body.path("modelVersion").asText()).isEqualTo("1");
        // the permit is back: the next request is admitted
        await().atMost(Duration.ofSeconds(2)).until(() -> gauge("recoflow.recommend.admission.in_flight") == 0);
        assertThat(http.getForEntity("/v1/recommendations/u1?k=2", String.class).getStatusCode().value()).isEqualTo(200);
        assertThat(http.getForObject("/actuator/prometheus", String.class))
                .containsPattern("recoflow_recommend_shed_total\\{[^}]*reason=\"concurrency\"[^}]*} [1-9]");
    }
}
