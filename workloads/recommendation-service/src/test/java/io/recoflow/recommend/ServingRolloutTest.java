package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.contract.Serving;
import io.recoflow.common.contract.ServingConfig;
import io.recoflow.recommend.model.ModelRegistry;
import io.recoflow.recommend.serving.ServingPlan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The service started with exactly the environment the operator renders for an embedded slot (ports set to 0), its
 * ConfigMap mounted the way the kubelet does, and the canary rolled forward by rewriting that volume.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingRolloutTest {
    static final List<String> ITEMS = List.of("A", "B", "C", "D", "E");
    static final int USERS = 2_000;
    static final String CANARY_2 = """
            {"model":"recommender","runtime":"embedded","stable":1,"canary":2,"canaryWeight":30,"versions":[1,2]}
            """;
    static final String NO_EXPERIMENTS = "experiments: []\n";

    static ConfigMapVolume mount;
    static ConfigurableApplicationContext app;
    static ModelRegistry models;
    static int api;
    static int management;
    static final HttpClient client = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    /** What the operator puts into an embedded slot's container, with the mount path replaced by a temp directory. */
    static Map<String, String> rendered(Path mountDir, Path models) {
        return Map.of(
                Serving.ENV_RUNTIME, Serving.RUNTIME_EMBEDDED,
                Serving.ENV_MODEL_NAME, "recommender",
                Serving.ENV_MODEL_BASE_PATH, models.toUri().toString(),
                Serving.ENV_SERVING_FILE, mountDir.resolve(Serving.SERVING_KEY).toString(),
                Serving.ENV_EXPERIMENTS_FILE, mountDir.resolve(Serving.EXPERIMENTS_KEY).toString(),
                Serving.ENV_HTTP_PORT, Integer.toString(Serving.HTTP_PORT),
                Serving.ENV_MANAGEMENT_PORT, Integer.toString(Serving.MANAGEMENT_PORT));
    }

    @BeforeAll
    static void start() throws IOException {
        Path root = TestInfra.tempDir("serving-rollout");
        Path modelDir = Files.createDirectory(root.resolve("models"));
        for (long v = 1; v <= 3; v++) {
            TestModels.write(modelDir, v, ITEMS, TestModels.chain(ITEMS.size()), false);
        }
        mount = new ConfigMapVolume(Files.createDirectory(root.resolve("etc-recoflow")));
        mount.write(Map.of(Serving.SERVING_KEY, CANARY_2, Serving.EXPERIMENTS_KEY, NO_EXPERIMENTS));
        try (Jedis j = TestInfra.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < USERS; i++) {
                p.zadd(RedisKeys.recentItems(user(i)), Map.of("A", 1.0, "C", 2.0));
            }
            p.sync();
        }
        Map<String, String> env = new HashMap<>(rendered(mount.dir(), modelDir));
        env.put(Serving.ENV_HTTP_PORT, "0");
        env.put(Serving.ENV_MANAGEMENT_PORT, "0");
        env.put("RECOFLOW_RECOMMEND_REDIS_PORT", Integer.toString(TestInfra.redisPort()));
        env.put("RECOFLOW_RECOMMEND_SERVING_POLLINTERVAL", "100ms");
        env.put("RECOFLOW_RECOMMEND_EXPERIMENTS_POLLINTERVAL", "100ms");
        env.put("RECOFLOW_RECOMMEND_MODEL_POLLINTERVAL", "200ms");
        // the tests count versions, not Redis latency: no redis_unavailable fallback on a busy 2-core machine
        env.put("RECOFLOW_RECOMMEND_REDIS_TIMEOUT", "2s");
        env.put("RECOFLOW_RECOMMEND_MODEL_SCORINGTIMEOUT", "5s");
        app = RecommendApplication.startWithEnv(env);
        models = app.getBean(ModelRegistry.class);
        api = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        management = app.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(management, Serving.READINESS_PATH) == 200);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static String user(int i) {
        return "rollout-" + i;
    }

    static int status(int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static JsonNode recommend(String user) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + api + "/v1/recommendations/" + user + "?k=2")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
        }
        JsonNode body = json.readTree(r.body());
        if (body.has("fallback")) {
            throw new IllegalStateException("fallback " + body.path("fallback").asText());
        }
        return body;
    }

    static long version(String user) throws IOException, InterruptedException {
        return recommend(user).path("modelVersion").asLong();
    }

    static String metrics() throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + management + Serving.METRICS_PATH))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static double metric(String name) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    static void publish(String serving, String experiments) {
        mount.write(Map.of(Serving.SERVING_KEY, serving, Serving.EXPERIMENTS_KEY, experiments));
    }

    static ServingPlan plan(String serving) throws IOException {
        return ServingPlan.of(ServingConfig.parse(serving));
    }

    @Test
    @Order(1)
    void everyUserGetsTheVersionTheSplitAssigns() throws Exception {
        // version 3 is on disk too, but the file serves exactly 1 and 2
        assertThat(models.loadedVersions()).containsExactly(1L, 2L);
        ServingPlan plan = plan(CANARY_2);
        long canary = 0;
        for (int i = 0; i < USERS; i++) {
            long v = version(user(i));
            assertThat(v).as(user(i)).isEqualTo(plan.route(user(i)));
            canary += v == 2 ? 1 : 0;
        }
        // binomial 99.9 % interval of 2,000 users at 30 %: 600 +- 3.29 * sqrt(2000 * 0.3 * 0.7)
        assertThat(canary).isBetween(533L, 668L);
        for (int i = 0; i < 200; i++) {
            assertThat(version(user(i))).isEqualTo(plan.route(user(i)));
        }
        // probes and metrics on the management port only, as the Deployment's probes expect
        assertThat(status(management, Serving.LIVENESS_PATH)).isEqualTo(200);
        assertThat(status(api, Serving.READINESS_PATH)).isEqualTo(404);
        assertThat(metric("recoflow_serving_canary_weight")).isEqualTo(30);
    }

    @Test
    @Order(2)
    void aNewCanaryAtHundredPercentThenItsPromotionDropNoRequest() throws Exception {
        String canary3 = """
                {"model":"recommender","runtime":"embedded","stable":1,"canary":3,"canaryWeight":100,"versions":[1,3]}
                """;
        String promoted = """
                {"model":"recommender","runtime":"embedded","stable":3,"canaryWeight":0,"versions":[3]}
                """;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failed = new AtomicLong();
        // epoch: requests sent after the new plan became active must all be answered by version 3
        AtomicLong epoch = new AtomicLong();
        Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
        List<String> errors = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (int t = 0; t < 2; t++) {
            int id = t;
            pool.submit(() -> {
                for (int i = id; !stop.get(); i += 2) {
                    long e = epoch.get();
                    try {
                        long v = version(user(i % USERS));
                        seen.computeIfAbsent(e + "/" + v, k -> new AtomicLong()).incrementAndGet();
                    } catch (Exception ex) {
                        failed.incrementAndGet();
                        synchronized (errors) {
                            errors.add(ex.toString());
                        }
                    }
                }
            });
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> count(seen, "0/") > 50);
            publish(canary3, NO_EXPERIMENTS);
            await().atMost(Duration.ofSeconds(30)).until(() -> plan(canary3).equals(models.activePlan()));
            epoch.set(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> count(seen, "1/") > 300);
            assertThat(count(seen, "1/3")).isEqualTo(count(seen, "1/"));
            assertThat(models.loadedVersions()).containsExactly(1L, 3L);

            publish(promoted, NO_EXPERIMENTS);
            await().atMost(Duration.ofSeconds(30)).until(() -> models.loadedVersions().equals(Set.of(3L)));
            epoch.set(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> count(seen, "2/") > 300);
            assertThat(count(seen, "2/3")).isEqualTo(count(seen, "2/"));
        } finally {
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failed.get()).as("failed or degraded responses across the reloads: %s", errors).isZero();
        assertThat(seen.keySet()).allMatch(k -> k.endsWith("/1") || k.endsWith("/2") || k.endsWith("/3"));
        assertThat(models.activePlan()).isEqualTo(plan(promoted));
    }

    static long count(Map<String, AtomicLong> seen, String prefix) {
        return seen.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    @Test
    @Order(3)
    void anInvalidFileKeepsTheLastGoodConfig() throws Exception {
        ServingPlan before = models.activePlan();
        double rejected = metric("recoflow_serving_reload_total{application=\"recommendation-service\",result=\"invalid\"}");
        publish("{\"model\":\"recommender\",\"runtime\":\"embedded\",\"stable\":", NO_EXPERIMENTS);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("recoflow_serving_reload_failing") == 1);
        assertThat(metric("recoflow_serving_reload_total{application=\"recommendation-service\",result=\"invalid\"}"))
                .isGreaterThan(Double.isNaN(rejected) ? 0 : rejected);
        for (int i = 0; i < 200; i++) {
            assertThat(version(user(i))).isEqualTo(3);
        }
        assertThat(models.activePlan()).isEqualTo(before);
        assertThat(models.loadedVersions()).containsExactly(3L);
        assertThat(status(management, Serving.READINESS_PATH)).isEqualTo(200);
    }

    @Test
    @Order(4)
    void aPinnedExperimentVariantWinsAndEveryoneElseFollowsTheSplit() throws Exception {
        String canary2 = """
                {"model":"recommender","runtime":"embedded","stable":3,"canary":2,"canaryWeight":50,"versions":[2,3]}
                """;
        publish(canary2, """
                experiments:
                  - name: old-model-holdout
                    variants:
                      - {name: pinned, weight: 50, modelVersion: 1}
                      - {name: rest, weight: 50}
                """);
        await().atMost(Duration.ofSeconds(30)).until(() -> plan(canary2).equals(models.activePlan())
                && models.loadedVersions().equals(Set.of(1L, 2L, 3L)));
        assertThat(metric("recoflow_serving_reload_failing")).isZero();
        ServingPlan plan = plan(canary2);
        Map<String, Long> versions = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            JsonNode r = recommend(user(i));
            long v = r.path("modelVersion").asLong();
            String variant = r.path("variant").asText();
            assertThat(v).as(user(i) + " in " + variant).isEqualTo(variant.equals("pinned") ? 1 : plan.route(user(i)));
            versions.merge(variant + "/" + v, 1L, Long::sum);
        }
        assertThat(versions.keySet()).containsExactlyInAnyOrder("pinned/1", "rest/2", "rest/3");
    }
}
