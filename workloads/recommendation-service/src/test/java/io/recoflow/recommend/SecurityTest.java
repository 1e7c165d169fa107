package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=" + RecommendApplication.CONFIG_NAME,
        "recoflow.recommend.security.mode=api-key",
        "recoflow.recommend.security.api-keys=shop:k-shop-123,batch:k-batch-456",
        "recoflow.recommend.security.rate-limit-per-second=0.5",
        "recoflow.recommend.security.rate-limit-burst=2"})
class SecurityTest {
    static final Path MODELS = TestInfra.tempDir("security-models");

    @Autowired
    TestRestTemplate http;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws IOException {
        if (!Files.exists(MODELS.resolve("1"))) {
            TestModels.write(MODELS, 1, java.util.List.of("A", "B", "C"), TestModels.chain(3), true);
        }
        r.add("recoflow.recommend.redis.port", TestInfra::redisPort);
        r.add("recoflow.recommend.model.base-dir", MODELS::toString);
    }

    ResponseEntity<String> call(String key) {
        HttpHeaders h = new HttpHeaders();
        if (key != null) {
            h.set("X-API-Key", key);
        }
        return http.exchange("/v1/recommendations/u1?k=2", HttpMethod.GET, new HttpEntity<>(h), String.class);
    }

    @Test
    void unauthenticatedIs401AndEachClientHasItsOwnBucket() {
        assertThat(call(null).getStatusCode().value()).isEqualTo(401);
        ResponseEntity<String> wrong = call("k-nope");
        assertThat(wrong.getStatusCode().value()).isEqualTo(401);
        assertThat(wrong.getBody()).contains("unknown API key");

        assertThat(call("k-shop-123").getStatusCode().value()).isEqualTo(200);
        assertThat(call("k-shop-123").getStatusCode().value()).isEqualTo(200);
        ResponseEntity<String> limited = call("k-shop-123");
        assertThat(limited.getStatusCode().value()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.getHeaders().getFirst("Retry-After"))).isBetween(1, 2);

        assertThat(call("k-batch-456").getStatusCode().value()).as("another client is not limited").isEqualTo(200);
        assertThat(http.getForEntity("/v1/ping", String.class).getStatusCode().value()).isEqualTo(200);
        assertThat(http.getForEntity("/actuator/health/liveness", String.class).getStatusCode().value()).isEqualTo(200);
    }
}
