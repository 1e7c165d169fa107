package io.recoflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recoflow.collector.CollectorApplication;
import io.recoflow.common.ModelMetadata;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.contract.ExperimentConfig;
import io.recoflow.common.contract.Serving;
import io.recoflow.featureworker.WorkerApplication;
import io.recoflow.operator.OperatorFactory;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.experiment.VariantStatus;
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
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.model.analysis.Queries;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.testing.MutableClock;
import io.recoflow.operator.testing.Rbac;
import io.recoflow.operator.version.registry.DefaultModelRegistry;
import io.recoflow.recommend.RecommendApplication;
import io.recoflow.recommend.TfServingStub;
import io.recoflow.trainer.TrainerMain;
import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Interaction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.embedded.RedisServer;

/**
 * ABExperiments end to end on real parts: a KRaft broker, redis-server, a real Prometheus scraping the
 * recommendation service's and the feature worker's {@code /actuator/prometheus} every second, the collector, the
 * worker and the service (Spring contexts in this JVM), and the operator on the mock API server reading Prometheus.
 * The "kubelet" is {@link FakeKubelet} (a Deployment is available once the real service behind it is ready) plus
 * {@link ConfigMapMirror}, which shows the operator's ConfigMaps to the apps as ConfigMap volumes.
 *
 * <p>Shoppers are the Online Retail sample's customers, whose purchases went through the collector and the worker
 * into the feature store first. They ask the service for recommendations, which routes them by the operator's
 * experiment file, and click (and buy) through the collector; the worker counts per variant, Prometheus scrapes the
 * counts, the operator decides.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentE2ETest {
    static final Path REPO = Path.of(System.getProperty("recoflow.repo.root", ".."));
    static final String MODEL = "recs";
    /** the namespace of each scenario: each has its own model, experiment and service */
    static final String WINS = "shop";
    static final String SLOW = "guard";
    static final int TREATMENT_DELAY_MS = 250;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    record Shopper(String id, List<String> bought) {}

    /** One shopper's answer from the service. */
    record Shown(Shopper shopper, String experiment, String variant, String modelVersion, List<String> items,
            String fallback) {}

    static Path root;
    static Path models;
    static List<Shopper> shoppers;
    static RealPrometheus prometheus;
    static EmbeddedKafkaKraftBroker kafka;
    static RedisServer redis;
    static int redisPort;
    static MockCluster cluster;
    static KubernetesClient client;
    static MutableClock clock;
    static Rbac rbac;
    static Operator operator;
    static FakeKubelet kubelet;
    static ConfigMapMirror mirror;
    /** the worker mounts the experiment ConfigMap of the model whose experiment runs */
    static ConfigMapMirror.Mount workerExperiment;
    static ConfigurableApplicationContext collector;
    static ConfigurableApplicationContext worker;
    /** the real recommendation service behind each embedded Deployment (namespace/name) */
    static final Map<String, Service> pods = new ConcurrentHashMap<>();
    static final List<Service> services = new ArrayList<>();
    static TfServingStub tfServing;

    @BeforeAll
    static void start() throws Exception {
        prometheus = RealPrometheus.start();
        root = Files.createTempDirectory("e2e-experiment");
        models = Files.createDirectory(root.resolve("models"));
        Path sample = Path.of(System.getProperty("recoflow.dataset.dir"), "online_retail_sample.csv.gz");
        assertThat(sample).as("Online Retail sample (surefire property recoflow.dataset.dir)").exists();
        // the embedded scenario compares two real models; TF Serving's are scored by the stub, the trainer's
        // metadata still maps its answers to items
        train(sample, 1, "ease:lambda=100");
        train(sample, 2, "itemknn");
        train(sample, 3, "popular");
        train(sample, 4, "popular");
        shoppers = shoppers(sample);

        kafka = new EmbeddedKafkaKraftBroker(1, 2);
        kafka.afterPropertiesSet();
        redisPort = RealPrometheus.freePort();
        redis = new RedisServer(redisPort);
        redis.start();

        cluster = new MockCluster();
        client = cluster.client();
        cluster.applyCrds(REPO.resolve("crds"));
        cluster.namespace(WINS);
        cluster.namespace(SLOW);
        rbac = Rbac.load(client, REPO.resolve("operator/deploy/operator.yaml"));
        clock = new MutableClock(Instant.parse("2026-12-01T07:00:00Z"));
        operator = OperatorFactory.create(cluster.operatorClient(),
                Settings.forTests().withPrometheusUrl(prometheus.url), clock, new DefaultModelRegistry(), null);
        operator.start();
        mirror = new ConfigMapMirror(client);
        // an embedded Deployment is available once the service behind it is ready and sees its ConfigMaps
        kubelet = new FakeKubelet(client).healthyWhen(ExperimentE2ETest::ready).start(100);

        String bootstrap = kafka.getBrokersAsString();
        collector = CollectorApplication.start(Map.of(
                "server.port", 0,
                "recoflow.collector.bootstrap-servers", bootstrap,
                "recoflow.collector.topic-partitions", 2));
        workerExperiment = mirror.mount(root.resolve("worker/experiment"), WINS, MODEL + "-experiment");
        worker = WorkerApplication.start(Map.of(
                "server.port", 0,
                "recoflow.worker.bootstrap-servers", bootstrap,
                "recoflow.worker.topic-partitions", 2,
                "recoflow.worker.redis-host", "127.0.0.1",
                "recoflow.worker.redis-port", redisPort,
                "recoflow.worker.experiments.file", workerExperiment.file(Serving.EXPERIMENTS_KEY).toString(),
                "recoflow.worker.experiments.poll-interval", "100ms",
                "recoflow.worker.experiments.refresh-interval", "300ms"));
        prometheus.scrape(port(worker));
        seed();
    }

    @AfterAll
    static void stop() throws Exception {
        List<AutoCloseable> all = new ArrayList<>(services);
        all.add(tfServing);
        all.add(worker);
        all.add(collector);
        all.add(kubelet);
        all.add(mirror);
        all.add(operator == null ? null : operator::stop);
        for (AutoCloseable c : all) {
            closeQuietly(c);
        }
        if (cluster != null) {
            // every call the operator made must be one its deployed Role allows
            Set<String> denied = rbac == null ? Set.of() : rbac.denied(cluster.requests());
            cluster.close();
            assertThat(denied).as("requests operator/deploy/operator.yaml does not allow").isEmpty();
        }
        closeQuietly(redis == null ? null : redis::stop);
        closeQuietly(kafka == null ? null : kafka::destroy);
        closeQuietly(prometheus);
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void treatmentThatGetsMoreClicksWinsAndTheModelRollsItOutWhileItsSpecSaysCandidate() throws Exception {
        String ns = WINS;
        create(model(ns, Runtime.EMBEDDED));
        create(version(ns, 1, Stage.PRODUCTION));
        create(version(ns, 2, Stage.CANDIDATE));
        // the pod: the real service with exactly the rendered env, its ConfigMaps mirrored as volumes
        Deployment d = await().until(() -> client.apps().deployments().inNamespace(ns).withName(MODEL + "-blue")
                .get(), x -> x != null);
        ConfigMapMirror.Pod pod = mirror.pod(d, root.resolve(ns + "/pod"));
        Service svc = start(pod.env(), pod.mounts());
        pods.put(ns + "/" + MODEL + "-blue", svc);
        prometheus.scrape(svc.management());
        await().until(() -> rm(ns), r -> r.getStatus() != null && r.getStatus().phase == ModelPhase.Serving
                && Long.valueOf(1).equals(r.getStatus().servingVersion));

        ABExperiment x = experiment(ns, "ease-vs-knn", 1, 2);
        x.getSpec().primaryMetric = ABExperimentSpec.Metric.CTR;
        x.getSpec().secondaryMetrics = List.of(ABExperimentSpec.Metric.CONVERSION);
        x.getSpec().analysis.minUsersPerVariant = 200L;
        client.resource(x).inNamespace(ns).create();
        String key = ns + "/ease-vs-knn";
        awaitSplit(ns, "ease-vs-knn", svc, key);
        assertThat(rm(ns).getStatus().experiment).isEqualTo("ease-vs-knn");
        awaitEvent(ns, "ease-vs-knn", "Normal", "ExperimentStarted");

        // 1. every shopper looks at their recommendations once: the service routes, tags and publishes impressions
        Map<String, Set<String>> exposed = new TreeMap<>();
        List<Shown> shown = new ArrayList<>();
        for (Shopper s : shoppers) {
            Shown r = recommend(svc, s);
            shown.add(r);
            exposed.computeIfAbsent(r.variant(), v -> new HashSet<>()).add(s.id());
        }
        assertThat(shown).allSatisfy(r -> {
            assertThat(r.experiment()).isEqualTo(key);
            assertThat(r.variant()).isIn("control", "treatment");
            assertThat(r.fallback()).as("fallback for %s", r.shopper().id()).isNull();
            // each variant is scored by its own ModelVersion
            assertThat(r.modelVersion()).isEqualTo(r.variant().equals("control") ? "1" : "2");
        });
        assertThat(exposed.keySet()).containsExactly("control", "treatment");
        Map<String, Map<String, Long>> expected = new TreeMap<>();
        exposed.forEach((v, users) -> expected.put(v, new TreeMap<>(Map.of(RedisKeys.EXPOSED, (long) users.size(),
                RedisKeys.CLICKED, 0L, RedisKeys.CONVERTED, 0L))));
        // the impressions went service -> Kafka -> worker -> Redis -> gauge -> Prometheus: wait until all arrived
        awaitCounts(key, expected);

        // 2. shoppers click a recommended item, the treatment's three times as often, and some buy it
        Random random = new Random(20261201);
        int events = 0;
        for (Shown r : shown) {
            double p = r.variant().equals("treatment") ? 0.30 : 0.10;
            if (random.nextDouble() >= p) {
                continue;
            }
            String item = r.items().get(random.nextInt(Math.min(3, r.items().size())));
            post(event("rec_click", r.shopper().id(), item, Instant.now()));
            expected.get(r.variant()).merge(RedisKeys.CLICKED, 1L, Long::sum);
            events++;
            if (random.nextDouble() < 0.4) {
                post(event("purchase", r.shopper().id(), item, Instant.now()));
                expected.get(r.variant()).merge(RedisKeys.CONVERTED, 1L, Long::sum);
                events++;
            }
        }
        awaitCounts(key, expected);
        System.out.printf("experiment %s: %d shoppers, %d events posted, counted per variant %s%n", key,
                shoppers.size(), events, expected);

        // 3. the operator's next look (its clock moves past checkIntervalSeconds) decides
        ABExperiment done = advanceUntilPhase(ns, "ease-vs-knn", ExperimentPhase.Concluded);
        var st = done.getStatus();
        System.out.printf("decided: %s; srm p = %s; %s%n", st.reason, st.srmPValue, st.variants.stream()
                .map(v -> v.name + " v" + v.version + ": " + v.convertingUsers + "/" + v.exposedUsers + " = " + v.rate
                        + (v.lift == null ? "" : ", lift " + v.lift + " [" + v.liftLower + ", " + v.liftUpper
                                + "], p = " + v.pValue) + ", secondary " + v.secondary)
                .collect(Collectors.joining("; ")));
        assertThat(st.winner).isEqualTo("treatment");
        assertThat(st.winnerVersion).isEqualTo(2L);
        assertThat(st.leader).isEqualTo("treatment");
        assertThat(st.users).isEqualTo((long) shoppers.size());
        assertThat(st.srmPValue).isGreaterThan(0.001);
        assertThat(st.variants).extracting(v -> v.name).containsExactly("control", "treatment");
        for (VariantStatus v : st.variants) {
            Map<String, Long> n = expected.get(v.name);
            assertThat(v.exposedUsers).as(v.name + " exposed").isEqualTo(exposed.get(v.name).size())
                    .isEqualTo(n.get(RedisKeys.EXPOSED));
            // ctr: the converting users are the clicking ones
            assertThat(v.convertingUsers).as(v.name + " clicking").isEqualTo(n.get(RedisKeys.CLICKED));
            assertThat(v.rate).isCloseTo(rate(n, RedisKeys.CLICKED), offset(1e-5));
            assertThat(v.secondary).containsKey("conversion");
            assertThat(v.secondary.get("conversion")).isCloseTo(rate(n, RedisKeys.CONVERTED),
                    offset(1e-5));
        }
        VariantStatus treatment = st.variants.get(1);
        double lift = rate(expected.get("treatment"), RedisKeys.CLICKED) / rate(expected.get("control"),
                RedisKeys.CLICKED) - 1;
        assertThat(treatment.lift).isCloseTo(lift, offset(1e-4));
        assertThat(treatment.liftLower).isPositive().isLessThan(treatment.lift);
        assertThat(treatment.liftUpper).isGreaterThan(treatment.lift);
        assertThat(treatment.pValue).isLessThan(ABExperimentSpec.Analysis.DEFAULT_ALPHA);
        awaitEvent(ns, "ease-vs-knn", "Normal", "ExperimentConcluded");
        awaitEvent(ns, "ease-vs-knn", "Normal", "ExperimentPromoted");
        awaitEvent(ns, MODEL, "Normal", "ExperimentPromoted");

        // 4. the winner is the model's target through status: it rolls out through the canary steps
        await().until(() -> rm(ns), r -> Long.valueOf(2).equals(r.getStatus().candidateVersion)
                || Long.valueOf(2).equals(r.getStatus().servingVersion));
        assertThat(rm(ns).getStatus().experiment).isNull();
        assertThat(experimentFile(ns).experiments()).isEmpty();
        Set<String> steps = new LinkedHashSet<>();
        await().until(() -> {
            RecommendationModel r = rm(ns);
            steps.add(r.getStatus().phase + (r.getStatus().canaryWeight == null ? "" : "@" + r.getStatus().canaryWeight));
            if (r.getStatus().phase == ModelPhase.Serving && Long.valueOf(2).equals(r.getStatus().servingVersion)) {
                return true;
            }
            clock.advance(Duration.ofSeconds(10));
            return false;
        });
        assertThat(steps).as("the rollout went through its canary steps").contains("RollingOut@50");
        assertThat(mv(ns, 2).getSpec().stage).as("the ModelVersion's spec is Git's: untouched")
                .isEqualTo(Stage.CANDIDATE);
        assertThat(mv(ns, 1).getSpec().stage).isEqualTo(Stage.PRODUCTION);
        // and the real service follows: former control shoppers get version 2, outside any experiment
        List<Shopper> control = shown.stream().filter(r -> r.variant().equals("control")).map(Shown::shopper)
                .limit(20).toList();
        await().until(() -> allServed(svc, control, r -> "2".equals(r.modelVersion()) && r.experiment() == null));
    }

    @Test
    @Order(2)
    void slowTreatmentBreaksItsLatencyGuardrailAndTheSplitEnds() throws Exception {
        String ns = SLOW;
        tfServing = new TfServingStub(ModelMetadata.read(models.resolve("3")).items().size());
        create(model(ns, Runtime.TENSORFLOW_SERVING));
        create(version(ns, 3, Stage.PRODUCTION));
        create(version(ns, 4, Stage.CANDIDATE));
        await().until(() -> rm(ns), r -> r.getStatus() != null && r.getStatus().phase == ModelPhase.Serving
                && Long.valueOf(3).equals(r.getStatus().servingVersion));
        // a client of TF Serving, not rendered by the operator: it mounts the routing and experiment ConfigMaps
        ConfigMapMirror.Mount routing = mirror.mount(root.resolve(ns + "/routing"), ns, MODEL + "-routing");
        ConfigMapMirror.Mount experiments = mirror.mount(root.resolve(ns + "/experiment"), ns, MODEL + "-experiment");
        Map<String, String> env = new HashMap<>();
        env.put(Serving.ENV_RUNTIME, Serving.RUNTIME_TF_SERVING);
        env.put(Serving.ENV_SERVING_FILE, routing.file(Serving.SERVING_KEY).toString());
        env.put(Serving.ENV_EXPERIMENTS_FILE, experiments.file(Serving.EXPERIMENTS_KEY).toString());
        env.put(Serving.ENV_TF_SERVING_URL, tfServing.url());
        env.put(Serving.ENV_MODEL_BASE_PATH, models.toString());
        Service svc = start(env, List.of(routing, experiments));
        prometheus.scrape(svc.management());
        workerExperiment.follow(ns, MODEL + "-experiment");
        // the treatment's version answers slowly, the control's (label stable) at once
        tfServing.delay(4, Duration.ofMillis(TREATMENT_DELAY_MS));

        ABExperiment x = experiment(ns, "slow-treatment", 3, 4);
        x.getSpec().guardrails = new ABExperimentSpec.Guardrails();
        x.getSpec().guardrails.p95LatencyMs = 100;
        x.getSpec().guardrails.window = "10s";
        x.getSpec().analysis.minUsersPerVariant = 100_000L; // no decision on the metric: only the guardrail
        client.resource(x).inNamespace(ns).create();
        String key = ns + "/slow-treatment";
        awaitSplit(ns, "slow-treatment", svc, key);

        // shoppers keep coming while the operator looks
        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> shopping = load.submit(() -> {
            for (int i = 0; running.get(); i++) {
                Shown r = recommend(svc, shoppers.get(i % shoppers.size()));
                served.computeIfAbsent(r.variant() + "@v" + r.modelVersion(), k -> new AtomicInteger()).incrementAndGet();
            }
            return null;
        });
        ABExperiment stopped;
        Double p95;
        try {
            // what the operator will read: the service's per-version scoring histogram through Prometheus
            Queries q = new Queries(Queries.DEFAULT_P95, Queries.DEFAULT_ERROR_RATE, x.getSpec().guardrails.window);
            p95 = await().until(() -> prometheus.scalar(q.render(q.p95LatencyMs(), ns, MODEL, 4)),
                    v -> v != null && v > 100);
            Double control = prometheus.scalar(q.render(q.p95LatencyMs(), ns, MODEL, 3));
            System.out.printf("Prometheus: p95 scoring latency version 4 (treatment) %.1f ms, version 3 (control) "
                    + "%s ms%n", p95, control == null ? "n/a" : String.format(Locale.ROOT, "%.1f", control));
            stopped = advanceUntilPhase(ns, "slow-treatment", ExperimentPhase.Stopped);
        } finally {
            running.set(false);
            load.shutdown();
        }
        shopping.get();
        System.out.printf("stopped: %s; responses %s%n", stopped.getStatus().reason, served);
        // each variant was scored by its own version (the split ended while the shoppers kept coming: then none)
        assertThat(served).containsKey("treatment@v4").containsKey("control@v3");
        assertThat(served.keySet()).isSubsetOf("treatment@v4", "control@v3", "null@v3");

        var st = stopped.getStatus();
        assertThat(st.reason).contains("guardrail: variant treatment (version 4) p95 latency").contains("> 100 ms");
        Matcher m = Pattern.compile("p95 latency ([0-9.]+) ms").matcher(st.reason);
        assertThat(m.find()).isTrue();
        // the measured value: above the limit, and about the stub's delay (histogram buckets interpolate)
        assertThat(Double.parseDouble(m.group(1))).isGreaterThan(100).isLessThan(2_000);
        assertThat(st.winner).isNull();
        assertThat(Conditions.get(st.conditions, Conditions.READY).orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("GuardrailBreached");
        });
        awaitEvent(ns, "slow-treatment", "Warning", "GuardrailBreached");

        // the split ends: the model stops routing and loading the treatment, and the service follows the file
        await().until(() -> rm(ns), r -> r.getStatus().experiment == null);
        await().until(() -> experimentFile(ns).experiments().isEmpty());
        await().until(() -> configMap(ns, MODEL + "-blue").getData().get(Serving.TFS_CONFIG_KEY),
                c -> !c.contains("versions: 4"));
        assertThat(rm(ns).getStatus().servingVersion).isEqualTo(3L);
        List<Shopper> sample = shoppers.subList(0, 20);
        await().until(() -> allServed(svc, sample, r -> r.experiment() == null && "3".equals(r.modelVersion())));
        tfServing.reset();
        for (Shopper s : sample) {
            recommend(svc, s);
        }
        assertThat(tfServing.targets()).containsExactly(MODEL + "/labels/stable");
    }

    /** The experiment is Running with startedAt, and the service and the worker both follow its file. */
    static void awaitSplit(String ns, String name, Service svc, String key) {
        await().until(() -> abx(ns, name), x -> x.getStatus() != null
                && x.getStatus().phase == ExperimentPhase.Running && x.getStatus().startedAt != null);
        String label = "experiment=\"" + key + "\"";
        // the service loaded the file and both variants' versions; the worker counts this experiment
        await().until(() -> {
            String metrics = svc.metrics();
            return metrics.contains(label) && gauge(metrics, "recoflow_model_loaded") == 2
                    && gauge(metrics, "recoflow_serving_pending") == 0;
        });
        await().until(() -> get("http://127.0.0.1:" + port(worker) + Serving.METRICS_PATH).body().contains(label));
    }

    /** Waits until Prometheus has the worker's counts, the operator's query, equal to what the shoppers did. */
    static void awaitCounts(String experiment, Map<String, Map<String, Long>> expected) {
        String users = "max by (variant, outcome) (recoflow_experiment_users{experiment=\"" + experiment + "\"})";
        await().until(() -> {
            Map<List<String>, Double> got = prometheus.vector(users, "variant", "outcome");
            Map<String, Map<String, Long>> seen = new TreeMap<>();
            got.forEach((k, v) -> seen.computeIfAbsent(k.get(0), x -> new TreeMap<>()).put(k.get(1), Math.round(v)));
            return seen;
        }, expected::equals);
    }

    /** Moves the operator's clock past each check interval until the experiment reaches {@code phase}. */
    static ABExperiment advanceUntilPhase(String ns, String name, ExperimentPhase phase) {
        return await().until(() -> {
            ABExperiment x = abx(ns, name);
            if (x.getStatus().phase == phase) {
                return x;
            }
            assertThat(x.getStatus().phase.done()).as("ended %s instead: %s", x.getStatus().phase,
                    x.getStatus().reason).isFalse();
            clock.advance(Duration.ofSeconds(x.getSpec().analysis.checkIntervalSeconds + 1));
            return null;
        }, x -> x != null);
    }

    static Shown recommend(Service svc, Shopper s) throws IOException, InterruptedException {
        HttpResponse<String> r = get("http://127.0.0.1:" + svc.api() + "/v1/recommendations/" + s.id() + "?k=10");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        List<String> items = new ArrayList<>();
        body.path("items").forEach(i -> items.add(i.path("itemId").asText()));
        return new Shown(s, text(body, "experiment"), text(body, "variant"), text(body, "modelVersion"), items,
                text(body, "fallback"));
    }

    static boolean allServed(Service svc, List<Shopper> who, Predicate<Shown> ok) throws Exception {
        for (Shopper s : who) {
            if (!ok.test(recommend(svc, s))) {
                return false;
            }
        }
        return true;
    }

    static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    static double rate(Map<String, Long> counts, String outcome) {
        return (double) counts.get(outcome) / counts.get(RedisKeys.EXPOSED);
    }

    // ---- the data plane ----

    /**
     * The real recommendation service, started as a pod runs it; ready once it says so, its volumes show the
     * current ConfigMaps and its serving file is fully in effect.
     */
    record Service(ConfigurableApplicationContext app, int api, int management, List<ConfigMapMirror.Mount> mounts)
            implements AutoCloseable {
        String metrics() throws IOException, InterruptedException {
            return get("http://127.0.0.1:" + management + Serving.METRICS_PATH).body();
        }

        boolean ready() throws IOException, InterruptedException {
            return mounts.stream().allMatch(ConfigMapMirror.Mount::current)
                    && get("http://127.0.0.1:" + management + Serving.READINESS_PATH).statusCode() == 200
                    && gauge(metrics(), "recoflow_serving_pending") == 0;
        }

        @Override
        public void close() {
            app.close();
        }
    }

    static Service start(Map<String, String> rendered, List<ConfigMapMirror.Mount> mounts) {
        Map<String, String> env = new HashMap<>(rendered);
        env.put(Serving.ENV_HTTP_PORT, "0");
        env.put(Serving.ENV_MANAGEMENT_PORT, "0");
        env.put("RECOFLOW_RECOMMEND_REDIS_HOST", "127.0.0.1");
        env.put("RECOFLOW_RECOMMEND_REDIS_PORT", Integer.toString(redisPort));
        // count variants, not Redis or scoring latency on a busy machine: no timeout fallback
        env.put("RECOFLOW_RECOMMEND_REDIS_TIMEOUT", "2s");
        env.put("RECOFLOW_RECOMMEND_MODEL_SCORINGTIMEOUT", "5s");
        env.put("RECOFLOW_RECOMMEND_SERVING_POLLINTERVAL", "100ms");
        env.put("RECOFLOW_RECOMMEND_MODEL_POLLINTERVAL", "200ms");
        env.put("RECOFLOW_RECOMMEND_EXPERIMENTS_POLLINTERVAL", "100ms");
        env.put("RECOFLOW_RECOMMEND_IMPRESSIONS_BOOTSTRAPSERVERS", kafka.getBrokersAsString());
        env.put("RECOFLOW_RECOMMEND_IMPRESSIONS_LINGER", "10ms");
        ConfigurableApplicationContext app = RecommendApplication.startWithEnv(env);
        Service s = new Service(app, app.getEnvironment().getRequiredProperty("local.server.port", Integer.class),
                app.getEnvironment().getRequiredProperty("local.management.port", Integer.class), mounts);
        services.add(s);
        await().ignoreExceptions().until(() -> get("http://127.0.0.1:" + s.management() + Serving.READINESS_PATH)
                .statusCode() == 200);
        return s;
    }

    /** FakeKubelet's readiness: an embedded Deployment's pod is the real service, ready when it says so. */
    static boolean ready(Deployment d) {
        boolean embedded = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .anyMatch(e -> Serving.ENV_RUNTIME.equals(e.getName()) && Serving.RUNTIME_EMBEDDED.equals(e.getValue()));
        if (!embedded) {
            return true; // TF Serving: the stub answers from the start
        }
        Service s = pods.get(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName());
        try {
            return s != null && s.ready();
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void train(Path sample, long version, String spec) {
        int rc = TrainerMain.execute(System.out, "train", "--data", sample.toString(), "--model", spec,
                "--out", models.toString(), "--version", Long.toString(version), "--exclude-history");
        assertThat(rc).as("trainer exit code for " + spec).isZero();
    }

    /** Every customer of the sample with their (up to 8) latest purchases of items both compared models know. */
    static List<Shopper> shoppers(Path sample) throws IOException {
        Set<String> known = new HashSet<>(ModelMetadata.read(models.resolve("1")).items());
        known.retainAll(ModelMetadata.read(models.resolve("2")).items());
        Map<String, List<Interaction>> byUser = Dataset.load(sample).interactions().stream()
                .filter(i -> known.contains(i.item()))
                .collect(Collectors.groupingBy(Interaction::user, TreeMap::new, Collectors.toList()));
        List<Shopper> out = new ArrayList<>();
        byUser.forEach((user, list) -> {
            List<String> items = list.stream().sorted(Comparator.comparingLong(Interaction::time).reversed())
                    .map(Interaction::item).distinct().limit(8).toList();
            out.add(new Shopper(user, items));
        });
        return out;
    }

    /** The shoppers' purchases through the collector; returns once the worker put them in the feature store. */
    static void seed() throws Exception {
        List<String> events = new ArrayList<>();
        Instant t = Instant.now().minus(Duration.ofDays(1));
        for (Shopper s : shoppers) {
            for (String item : s.bought()) {
                events.add(event("purchase", s.id(), item, t));
                t = t.plusMillis(10);
            }
        }
        for (int i = 0; i < events.size(); i += 500) {
            HttpResponse<String> r = post("/v1/events:batch",
                    "[" + String.join(",", events.subList(i, Math.min(events.size(), i + 500))) + "]");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        try (Jedis j = new Jedis("127.0.0.1", redisPort)) {
            await().until(() -> {
                Pipeline p = j.pipelined();
                List<Response<Long>> sizes = shoppers.stream().map(s -> p.zcard(RedisKeys.recentItems(s.id())))
                        .toList();
                p.sync();
                for (int i = 0; i < shoppers.size(); i++) {
                    if (sizes.get(i).get() < shoppers.get(i).bought().size()) {
                        return false;
                    }
                }
                return true;
            });
        }
        System.out.printf("seeded %d shoppers with %d purchases through the collector%n", shoppers.size(),
                events.size());
    }

    static String event(String type, String user, String item, Instant ts) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"userId\":\"" + user
                + "\",\"itemId\":\"" + item + "\",\"timestamp\":\"" + ts + "\"}";
    }

    static void post(String event) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/v1/events", event);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(collector) + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    /** The first sample of a metric in the Prometheus text format, -1 when absent. */
    static double gauge(String exposition, String name) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    // ---- the cluster ----

    static RecommendationModel model(String ns, Runtime runtime) {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName(MODEL).withNamespace(ns).build());
        RecommendationModelSpec s = new RecommendationModelSpec();
        s.model = MODEL;
        s.runtime = runtime;
        if (runtime == Runtime.EMBEDDED) {
            s.image = "ghcr.io/recoflow/recommendation-service:0.1.0";
        }
        s.replicas = 1;
        s.rollout = new Rollout();
        s.rollout.strategy = Strategy.CANARY;
        s.rollout.progressDeadlineSeconds = 600;
        s.rollout.steps = List.of(new CanaryStep(50, 60), new CanaryStep(100, 0));
        rm.setSpec(s);
        return rm;
    }

    static ModelVersion version(String ns, long v, Stage stage) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName(MODEL + "-v" + v).withNamespace(ns).build());
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = MODEL;
        mv.getSpec().version = v;
        mv.getSpec().stage = stage;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = models.toUri().toString();
        return mv;
    }

    /** control = version {@code control}, treatment = version {@code treatment}, 50/50, promote the winner. */
    static ABExperiment experiment(String ns, String name, long control, long treatment) {
        ABExperiment x = new ABExperiment();
        x.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ABExperimentSpec s = new ABExperimentSpec();
        s.modelRef = MODEL;
        s.variants = new ArrayList<>(List.of(variant("control", control, true), variant("treatment", treatment,
                false)));
        s.analysis = new ABExperimentSpec.Analysis();
        s.analysis.minDurationSeconds = 0L;
        s.analysis.maxDurationSeconds = 86_400L;
        s.analysis.checkIntervalSeconds = 5L;
        s.onConclusion = ABExperimentSpec.OnConclusion.PROMOTE;
        x.setSpec(s);
        return x;
    }

    static ABExperimentSpec.Variant variant(String name, long version, boolean control) {
        return ABExperimentSpec.Variant.of(name, MODEL + "-v" + version, 50, control);
    }

    static void create(RecommendationModel rm) {
        client.resource(rm).create();
    }

    static void create(ModelVersion mv) {
        client.resource(mv).create();
    }

    static RecommendationModel rm(String ns) {
        return client.resources(RecommendationModel.class).inNamespace(ns).withName(MODEL).get();
    }

    static ModelVersion mv(String ns, long v) {
        return client.resources(ModelVersion.class).inNamespace(ns).withName(MODEL + "-v" + v).get();
    }

    static ABExperiment abx(String ns, String name) {
        return client.resources(ABExperiment.class).inNamespace(ns).withName(name).get();
    }

    static ConfigMap configMap(String ns, String name) {
        return client.configMaps().inNamespace(ns).withName(name).get();
    }

    static ExperimentConfig experimentFile(String ns) throws IOException {
        return ExperimentConfig.parse(configMap(ns, MODEL + "-experiment").getData().get(Serving.EXPERIMENTS_KEY));
    }

    static boolean hasEvent(String ns, String involved, String type, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream().anyMatch(e -> involved.equals(
                e.getInvolvedObject().getName()) && type.equals(e.getType()) && reason.equals(e.getReason()));
    }

    /** The reconcilers write status before events, so an event may follow the status it announces. */
    static void awaitEvent(String ns, String involved, String type, String reason) {
        await().until(() -> hasEvent(ns, involved, type, reason));
    }

    static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100));
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("closing " + c + ": " + e);
        }
    }
}
