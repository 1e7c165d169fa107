package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.recoflow.common.ModelMetadata;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.contract.Serving;
import io.recoflow.common.contract.ServingConfig;
import io.recoflow.recommend.model.ModelRegistry;
import io.recoflow.recommend.serving.ServingPlan;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The tensorflow-serving runtime against a stand-in for TF Serving's REST API that records which version label each
 * predict call asked for: the per-user split picks the label, and the response reports the version the serving
 * file maps that label to.
 */
class TfServingRuntimeTest {
    static final List<String> ITEMS = List.of("A", "B", "C", "D", "E");
    static final int USERS = 2_000;
    static Path models;
    static final HttpClient client = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    TfServingStub stub;
    ConfigurableApplicationContext app;

    @BeforeAll
    static void seed() throws IOException {
        models = TestInfra.tempDir("tfs-metadata");
        // the client only needs each version's item list; the SavedModels live with TF Serving
        for (long v = 1; v <= 2; v++) {
            new ModelMetadata("itemknn", v, Map.of(), "0".repeat(64), ITEMS, false, Map.of(), Instant.now())
                    .write(models.resolve(Long.toString(v)));
        }
        try (Jedis j = TestInfra.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < USERS; i++) {
                p.zadd(RedisKeys.recentItems(user(i)), Map.of("A", 1.0));
            }
            p.sync();
        }
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    static String user(int i) {
        return "tfs-" + i;
    }

    static String servingFile(String endpoint, long stable, Long canary, int weight) {
        return new ServingConfig("recommender", Serving.RUNTIME_TF_SERVING, endpoint, stable, canary, weight,
                canary == null ? List.of(stable) : List.of(stable, canary)).toJson();
    }

    ConfigMapVolume start(String serving, Map<String, String> extraEnv) {
        ConfigMapVolume mount = new ConfigMapVolume(TestInfra.tempDir("tfs-mount"));
        mount.write(Map.of(Serving.SERVING_KEY, serving));
        Map<String, String> env = new HashMap<>(Map.of(
                Serving.ENV_RUNTIME, Serving.RUNTIME_TF_SERVING,
                Serving.ENV_SERVING_FILE, mount.file(Serving.SERVING_KEY).toString(),
                Serving.ENV_MODEL_NAME, "recommender",
                Serving.ENV_MODEL_BASE_PATH, models.toString(),
                Serving.ENV_HTTP_PORT, "0",
                Serving.ENV_MANAGEMENT_PORT, "0",
                "RECOFLOW_RECOMMEND_REDIS_PORT", Integer.toString(TestInfra.redisPort()),
                "RECOFLOW_RECOMMEND_SERVING_POLLINTERVAL", "100ms",
                "RECOFLOW_RECOMMEND_MODEL_POLLINTERVAL", "200ms",
                // the tests count labels, not Redis latency: no redis_unavailable fallback on a busy 2-core machine
                "RECOFLOW_RECOMMEND_REDIS_TIMEOUT", "2s"));
        // nor TF Serving latency: the stub's answer may take longer than 200 ms on a loaded CI machine
        env.put("RECOFLOW_RECOMMEND_MODEL_SCORINGTIMEOUT", "5s");
        env.putAll(extraEnv);
        app = RecommendApplication.startWithEnv(env);
        int management = app.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + management + Serving.READINESS_PATH)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return mount;
    }

    long version(String user) throws IOException, InterruptedException {
        int api = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + api + "/v1/recommendations/" + user + "?k=3")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        assertThat(body.has("fallback")).as(r.body()).isFalse();
        assertThat(body.path("items")).hasSize(3);
        return body.path("modelVersion").asLong();
    }

    @Test
    void eachUserAsksForItsLabelAndGetsTheVersionTheFileMapsItTo() throws Exception {
        stub = new TfServingStub(ITEMS.size());
        String canary = servingFile(stub.url(), 1, 2L, 30);
        ConfigMapVolume mount = start(canary, Map.of());
        ServingPlan plan = ServingPlan.of(ServingConfig.parse(canary));
        // warm-up calls went to both labels; count from here
        long stable0 = stub.calls("recommender/labels/stable");
        long canary0 = stub.calls("recommender/labels/canary");
        assertThat(stable0).isPositive();
        assertThat(canary0).isPositive();

        long toCanary = 0;
        for (int i = 0; i < USERS; i++) {
            long v = version(user(i));
            assertThat(v).isEqualTo(plan.route(user(i)));
            toCanary += v == 2 ? 1 : 0;
        }
        assertThat(toCanary).isBetween(533L, 668L);
        assertThat(stub.calls("recommender/labels/canary") - canary0).isEqualTo(toCanary);
        assertThat(stub.calls("recommender/labels/stable") - stable0).isEqualTo(USERS - toCanary);
        assertThat(stub.targets()).allMatch(t -> t.startsWith("recommender/labels/"));
        assertThat(stub.badRequests()).isZero();

        // promotion: version 2 is now what "stable" means, and no request asks for "canary" any more
        String promoted = servingFile(stub.url(), 2, null, 0);
        mount.write(Map.of(Serving.SERVING_KEY, promoted));
        ModelRegistry registry = app.getBean(ModelRegistry.class);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                ServingPlan.of(ServingConfig.parse(promoted)).equals(registry.activePlan()));
        long canary1 = stub.calls("recommender/labels/canary");
        long stable1 = stub.calls("recommender/labels/stable");
        for (int i = 0; i < 200; i++) {
            assertThat(version(user(i))).isEqualTo(2);
        }
        assertThat(stub.calls("recommender/labels/canary")).isEqualTo(canary1);
        assertThat(stub.calls("recommender/labels/stable") - stable1).isEqualTo(200);
    }

    @Test
    void theTfServingUrlVariableOverridesTheFilesEndpoint() throws Exception {
        stub = new TfServingStub(ITEMS.size());
        // nothing listens on the file's endpoint: every call must go to RECOFLOW_TF_SERVING_URL
        start(servingFile("http://127.0.0.1:9", 1, 2L, 50), Map.of(Serving.ENV_TF_SERVING_URL, stub.url()));
        for (int i = 0; i < 50; i++) {
            assertThat(version(user(i))).isIn(1L, 2L);
        }
        assertThat(stub.calls("recommender/labels/stable") + stub.calls("recommender/labels/canary")).isGreaterThan(50);
    }
}
