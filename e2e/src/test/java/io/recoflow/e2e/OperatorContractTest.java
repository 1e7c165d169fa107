package io.recoflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.contract.Serving;
import io.recoflow.operator.OperatorFactory;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.testing.MutableClock;
import io.recoflow.operator.version.registry.DefaultModelRegistry;
import io.recoflow.recommend.ConfigMapVolume;
import io.recoflow.recommend.RecommendApplication;
import io.recoflow.recommend.TestInfra;
import io.recoflow.recommend.TestModels;
import io.recoflow.recommend.TfServingStub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The operator -> data-plane contract end to end: the real operator (on the CRUD mock API server) renders a
 * RecommendationModel in the middle of a canary at 30 %; the test mounts the ConfigMap it rendered the way the
 * kubelet does and starts the real recommendation service with exactly the env the operator rendered (only the
 * mount path moved to a temp directory, ports chosen free, Redis pointed at the test's). 2,000 users' answers must
 * split 30/70 by version within a 99.9 % binomial interval; after the operator promotes, the re-rendered ConfigMap
 * sends every user to the candidate with no restart.
 */
class OperatorContractTest {
    static final String NS = "recs";
    static final Path REPO = Path.of(System.getProperty("recoflow.repo.root", ".."));
    static final List<String> ITEMS = List.of("A", "B", "C", "D", "E");
    static final int USERS = 2_000;
    /** 99.9 % two-sided binomial interval for 2,000 users at p = 0.3: 600 +- 3.29 * sqrt(2000 * 0.3 * 0.7). */
    static final int LOW = 533;
    static final int HIGH = 667;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static Path models;

    MockCluster cluster;
    KubernetesClient client;
    MutableClock clock;
    Operator operator;
    FakeKubelet kubelet;
    ConfigurableApplicationContext app;
    TfServingStub tfServing;

    @BeforeAll
    static void modelsAndUsers() throws IOException {
        models = Files.createDirectory(TestInfra.tempDir("contract").resolve("models"));
        for (long v = 1; v <= 2; v++) {
            TestModels.write(models, v, ITEMS, TestModels.chain(ITEMS.size()), false);
        }
        try (Jedis j = TestInfra.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < USERS; i++) {
                p.zadd(RedisKeys.recentItems(user(i)), Map.of("A", 1.0, "C", 2.0));
            }
            p.sync();
        }
    }

    @BeforeEach
    void startOperator() throws IOException {
        cluster = new MockCluster();
        client = cluster.client();
        cluster.applyCrds(REPO.resolve("crds"));
        cluster.namespace(NS);
        clock = new MutableClock(Instant.parse("2026-12-01T07:00:00Z"));
        operator = OperatorFactory.create(cluster.operatorClient(), Settings.forTests(), clock,
                new DefaultModelRegistry(), null);
        operator.start();
        kubelet = new FakeKubelet(client).start(100);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (tfServing != null) {
            tfServing.close();
        }
        kubelet.close();
        operator.stop();
        cluster.close();
    }

    @Test
    void embeddedCanaryAtThirtyPercentSplitsUsersByTheRenderedFileThenPromotionMovesAll() throws Exception {
        canaryAtThirty(Runtime.EMBEDDED);
        Deployment d = client.apps().deployments().inNamespace(NS).withName("recs-blue").get();
        ConfigMapVolume mount = new ConfigMapVolume(Files.createDirectory(TestInfra.tempDir("etc").resolve("m")));
        mount.write(configMap("recs-blue").getData());
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            env.put(e.getName(), e.getValue().replace(Serving.MOUNT, mount.dir().toString()));
        }
        assertThat(env).containsEntry(Serving.ENV_RUNTIME, Serving.RUNTIME_EMBEDDED)
                .containsEntry(Serving.ENV_MODEL_BASE_PATH, models.toString());
        int[] ports = start(env);

        int canary = countVersion(ports[0], 2);
        System.out.println("embedded: " + canary + " of " + USERS + " users on the candidate at weight 30");
        assertThat(canary).isBetween(LOW, HIGH);

        promoteToAll(mount, "recs-blue");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> version(ports[0], user(0)) == 2 && version(ports[0], user(USERS - 1)) == 2);
        assertThat(countVersion(ports[0], 2)).isEqualTo(USERS);
    }

    @Test
    void tfServingCanaryAtThirtyPercentSendsThatShareToTheCanaryLabel() throws Exception {
        tfServing = new TfServingStub(ITEMS.size());
        canaryAtThirty(Runtime.TENSORFLOW_SERVING);
        // clients of TF Serving mount the routing ConfigMap, whose name does not follow the slot
        ConfigMapVolume mount = new ConfigMapVolume(Files.createDirectory(TestInfra.tempDir("etc").resolve("m")));
        mount.write(configMap("recs-routing").getData());
        Map<String, String> env = new HashMap<>();
        env.put(Serving.ENV_RUNTIME, Serving.RUNTIME_TF_SERVING);
        env.put(Serving.ENV_SERVING_FILE, mount.file(Serving.SERVING_KEY).toString());
        // the rendered endpoint is the in-cluster Service; here the stub stands in for it
        env.put(Serving.ENV_TF_SERVING_URL, tfServing.url());
        // TF Serving answers item indices; the service maps them through each version's metadata.json
        env.put(Serving.ENV_MODEL_BASE_PATH, models.toString());
        int[] ports = start(env);

        tfServing.reset();
        int canary = countVersion(ports[0], 2);
        System.out.println("tensorflow-serving: " + canary + " of " + USERS + " users on label canary at weight 30");
        assertThat(canary).isBetween(LOW, HIGH);
        assertThat(tfServing.calls("recs/labels/canary")).isEqualTo(canary);
        assertThat(tfServing.calls("recs/labels/stable")).isEqualTo(USERS - canary);
        assertThat(tfServing.badRequests()).isZero();

        promoteToAll(mount, "recs-routing");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> version(ports[0], user(0)) == 2 && version(ports[0], user(USERS - 1)) == 2);
        tfServing.reset();
        assertThat(countVersion(ports[0], 2)).isEqualTo(USERS);
        assertThat(tfServing.targets()).containsExactly("recs/labels/stable");
    }

    /** v1 serving, v2 promoted; the canary waits at its first step, 30 %, for ten minutes of test clock. */
    void canaryAtThirty(Runtime runtime) throws IOException {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName("recs").withNamespace(NS).build());
        RecommendationModelSpec s = new RecommendationModelSpec();
        s.model = "recs";
        s.runtime = runtime;
        if (runtime == Runtime.EMBEDDED) {
            s.image = "ghcr.io/recoflow/recommendation-service:0.1.0";
        }
        s.replicas = 2;
        s.rollout = new Rollout();
        s.rollout.strategy = Strategy.CANARY;
        s.rollout.progressDeadlineSeconds = 300;
        s.rollout.steps = List.of(new CanaryStep(30, 600), new CanaryStep(100, 0));
        rm.setSpec(s);
        client.resource(rm).create();
        client.resource(version(1, Stage.PRODUCTION)).create();
        client.resource(version(2, Stage.CANDIDATE)).create();
        await(() -> rm().getStatus() != null && rm().getStatus().phase == ModelPhase.Serving);
        client.resources(ModelVersion.class).inNamespace(NS).withName("recs-v2").edit(mv -> {
            mv.getSpec().stage = Stage.PRODUCTION;
            return mv;
        });
        await(() -> rm().getStatus().phase == ModelPhase.RollingOut && Integer.valueOf(30)
                .equals(rm().getStatus().canaryWeight) && rm().getStatus().stepReadyAt != null);
    }

    /** Lets the test clock pass the 30 % step; the operator re-renders the ConfigMap, the "kubelet" remounts it. */
    void promoteToAll(ConfigMapVolume mount, String configMap) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (rm().getStatus().phase == ModelPhase.Serving && rm().getStatus().servingVersion == 2) {
                return true;
            }
            clock.advance(Duration.ofSeconds(30));
            return false;
        });
        mount.write(configMap(configMap).getData());
    }

    int[] start(Map<String, String> rendered) throws Exception {
        Map<String, String> env = new HashMap<>(rendered);
        env.put(Serving.ENV_HTTP_PORT, "0");
        env.put(Serving.ENV_MANAGEMENT_PORT, "0");
        env.put("RECOFLOW_RECOMMEND_REDIS_PORT", Integer.toString(TestInfra.redisPort()));
        // count versions, not Redis or scoring latency on a busy machine (no timeout fallback)
        env.put("RECOFLOW_RECOMMEND_REDIS_TIMEOUT", "2s");
        env.put("RECOFLOW_RECOMMEND_MODEL_SCORINGTIMEOUT", "5s");
        env.put("RECOFLOW_RECOMMEND_SERVING_POLLINTERVAL", "100ms");
        env.put("RECOFLOW_RECOMMEND_MODEL_POLLINTERVAL", "200ms");
        app = RecommendApplication.startWithEnv(env);
        int api = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        int management = app.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(management, Serving.READINESS_PATH) == 200);
        return new int[] {api, management};
    }

    static ModelVersion version(long v, Stage stage) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName("recs-v" + v).withNamespace(NS).build());
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = "recs";
        mv.getSpec().version = v;
        mv.getSpec().stage = stage;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = models.toUri().toString();
        return mv;
    }

    RecommendationModel rm() {
        return client.resources(RecommendationModel.class).inNamespace(NS).withName("recs").get();
    }

    ConfigMap configMap(String name) {
        return client.configMaps().inNamespace(NS).withName(name).get();
    }

    static String user(int i) {
        return "contract-" + i;
    }

    static int countVersion(int api, long version) throws Exception {
        int n = 0;
        for (int i = 0; i < USERS; i++) {
            if (version(api, user(i)) == version) {
                n++;
            }
        }
        return n;
    }

    static long version(int api, String user) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + api + "/v1/recommendations/" + user + "?k=2")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
        }
        JsonNode body = JSON.readTree(r.body());
        if (body.has("fallback")) {
            throw new IllegalStateException("fallback " + body.path("fallback").asText() + " for " + user);
        }
        return body.path("modelVersion").asLong();
    }

    static int status(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static void await(java.util.concurrent.Callable<Boolean> done) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(done);
    }
}
