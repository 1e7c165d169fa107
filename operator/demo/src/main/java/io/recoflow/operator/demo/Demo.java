package io.recoflow.operator.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recoflow.operator.OperatorFactory;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.pipeline.DesiredTopic;
import io.recoflow.operator.pipeline.PipelineNames;
import io.recoflow.operator.pipeline.PipelineStatus;
import io.recoflow.operator.budget.Enforcement;
import io.recoflow.operator.budget.Forecast;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.MetricsServer;
import io.recoflow.operator.version.registry.DefaultModelRegistry;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.placement.MemberClients;
import io.recoflow.operator.placement.Weights;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The `demo` command: the operator against an in-process CRUD mock API server, a fake kubelet that makes the
 * model server pods ready and a simulated Prometheus ({@link FakePrometheus}), so nothing outside the JVM is
 * needed. Applies crds/ and examples/ (but the A/B test, the ClusterTargets, the budget and the training schedule,
 * which get their own steps), then:
 * <ol>
 *   <li>the first production version comes up;</li>
 *   <li>an A/B test of the candidate against it (examples/retail-recs-ab.yaml, its analysis shortened to the
 *       demo's clock): the model serves both versions, simulated shoppers arrive, the treatment wins and the model
 *       rolls it out through the canary steps while its ModelVersion stays candidate; Git catching up (stage
 *       production) then changes nothing;</li>
 *   <li>a third version whose pods never get ready is rolled back;</li>
 *   <li>multi-cluster: a model placed on two member API servers, one of which fails over and comes back;</li>
 *   <li>a $500 monthly budget over that model (examples/budget.yaml) on SIMULATED spend ({@link FakeCosts}): a GPU
 *       node pool left running drives the month past 80, 90 and 100 % (a simulated webhook gets the forecast's
 *       notice), and the model caps its members' HPAs and moves its traffic to the cheaper cluster; the clock then
 *       jumps into the next month ({@link DemoClock}), which releases every action;</li>
 *   <li>retraining: the nightly TrainingSchedule of examples/training.yaml (no triggers: the demo has no feature
 *       worker and no Redis) over the first model with a SIMULATED trainer ({@link FakeTrainer}); the clock jumps to
 *       just before two nights' ticks: the first challenger fails the offline gate, the second passes it and gets a
 *       ModelVersion and an A/B test against the champion, which the demo leaves to run. Last, as the budget step's
 *       clock jumps would fire the nightly tick.</li>
 *   <li>the feature pipeline of examples/pipeline.yaml on a REAL in-JVM KRaft Kafka and redis-server with a
 *       SIMULATED feature worker ({@link FakeWorker}): topics created and read back, lag and freshness; the worker
 *       pauses, the features go stale, it resumes and they are fresh again.</li>
 * </ol>
 * Each step must finish within {@link #STEP_LIMIT} of wall time at the default speed (clock x60).
 */
public final class Demo {
    static final String NS = "recoflow-demo";
    static final Duration STEP_LIMIT = Duration.ofSeconds(60);
    static final String AB_EXAMPLE = "retail-recs-ab.yaml";
    static final String BUDGET_EXAMPLE = "budget.yaml";
    /** The retraining schedule, step 6: its nightly tick would fire on the budget step's clock jumps. */
    static final String TRAINING_EXAMPLE = "training.yaml";
    /** The feature pipeline, step 7: it needs the demo's in-JVM Kafka and Redis. */
    static final String PIPELINE_EXAMPLE = "pipeline.yaml";
    private final Path root;
    private final int speed;
    private final PrintStream out;
    private final DemoClock clock;
    private final FakeCosts costs = new FakeCosts();
    private String lastModels = "";
    private String lastExperiments = "";
    /** Events printed as they happen (the A/B step's); all of them are listed at the end anyway. */
    private Predicate<Event> live = e -> false;
    private final java.util.Set<String> shown = new java.util.HashSet<>();

    public Demo(Path root, int speed, PrintStream out) {
        this.root = root;
        this.speed = speed;
        this.out = out;
        this.clock = new DemoClock(speed);
    }

    /**
     * {@code demo [--root DIR] [--speed N]}: see ./demo.sh. DIR holds crds/ and examples/; N is how much faster
     * than the wall clock the operator's clock runs (default 60: a 60 s canary pause takes 1 s).
     */
    public static void main(String[] args) throws Exception {
        java.util.List<String> a = java.util.Arrays.asList(args);
        // the demo prints its own tables and the Events; operator logs would interleave with them
        // (io.vertx and io.netty: the member mock API servers of step 4 warn with a stack trace when stopped)
        // (org.apache.kafka: step 7's broker and clients log each reconnect while it stops)
        for (String name : new String[] {"io.recoflow", "io.fabric8", "io.javaoperatorsdk", "io.vertx", "io.netty",
                "org.apache.kafka", "kafka", "org.springframework"}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
                    .setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        new Demo(Path.of(flag(a, "--root", ".")), Integer.parseInt(flag(a, "--speed", "60")), System.out).run();
        System.exit(0);
    }

    private static String flag(java.util.List<String> a, String name, String fallback) {
        int i = a.indexOf(name);
        return i >= 0 && i + 1 < a.size() ? a.get(i + 1) : fallback;
    }

    public void run() throws Exception {
        long t0 = System.nanoTime();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MockCluster cluster = new MockCluster(); FakeKubelet kubelet = new FakeKubelet(cluster.client());
                FakePrometheus prometheus = new FakePrometheus(clock, key -> experiment(cluster.client(), key))) {
            KubernetesClient client = cluster.client();
            say("Mock API server (fabric8 CRUD mode) up; applying " + root.resolve("crds"));
            cluster.applyCrds(root.resolve("crds"));
            cluster.namespace(NS);
            say("Prometheus: SIMULATED in the demo at " + prometheus.url() + " (no scraping; the tests use a real"
                    + " one): experiment counts from simulated shoppers, p95 " + (int) FakePrometheus.P95_MS
                    + " ms and error rate " + FakePrometheus.ERROR_RATE + " for every version");
            Settings settings = Settings.forTests().withMaxRequeue(Duration.ofMillis(200))
                    .withPrometheusUrl(prometheus.url()).withCostPollCap(COST_POLL);
            Operator operator = OperatorFactory.create(client, settings, clock, new DefaultModelRegistry(), meters,
                    null, new MemberClients(client), costs);
            operator.start();
            try (MetricsServer metrics = new MetricsServer(0, meters, operator)) {
                // v3's pods never become ready: stands in for a SavedModel TF-Serving cannot load
                kubelet.healthyWhen(d -> !config(client, d.getMetadata().getName()).contains("versions: "
                        + badVersion)).start(250);
                say("Operator started (clock x" + speed + ": a 60 s canary pause takes " + (60.0 / speed)
                        + " s); fake kubelet marks model-server pods ready");

                try (Stream<Path> files = Files.list(root.resolve("examples"))) {
                    // ClusterTargets come in step 4, with Secrets for the demo's member API servers; the A/B test in
                    // step 2: running from the start it would hold the model's rollouts; the budget in step 5, over
                    // the members and with its source and namespace changed for the demo; the training schedule
                    // in step 6, after the budget's clock jumps
                    for (Path f : files.filter(p -> p.toString().endsWith(".yaml")
                            && !p.getFileName().toString().startsWith("clustertargets")
                            && !p.getFileName().toString().equals(AB_EXAMPLE)
                            && !p.getFileName().toString().equals(BUDGET_EXAMPLE)
                            && !p.getFileName().toString().equals(TRAINING_EXAMPLE)
                            && !p.getFileName().toString().equals(PIPELINE_EXAMPLE)).sorted().toList()) {
                        say("kubectl apply -f " + root.relativize(f));
                        cluster.apply(f, NS);
                    }
                }
                step("1. first production version comes up", client, () -> phase(client, ModelPhase.Serving)
                        && ready(client));

                ModelVersion v2 = client.resources(ModelVersion.class).inNamespace(NS).list().getItems().stream()
                        .filter(m -> m.getSpec().stage == Stage.CANDIDATE)
                        .max(Comparator.comparingLong(m -> m.getSpec().version)).orElseThrow();
                abTest(client, v2);

                ModelVersion v3 = badVersion(v2);
                say("3. promote a broken version: kubectl apply a ModelVersion " + v3.getMetadata().getName()
                        + " with stage production (its pods never get ready)");
                client.resource(v3).inNamespace(NS).create();
                watch(client, () -> phase(client, ModelPhase.RolledBack) && ready(client));

                multiCluster(cluster, client, v2, prometheus.url());
                training(client);
                pipeline(client);

                say("Reconcile timings (operator_sdk_controllers_execution_reconcile_seconds):");
                reconcileStats(meters);
                say("Events (kubectl get events):");
                client.v1().events().inNamespace(NS).list().getItems().stream()
                        .sorted(Comparator.comparing(Event::getLastTimestamp))
                        .forEach(e -> out.printf("  %-7s %-24s %-32s %s%n", e.getType(), e.getReason(),
                                e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName(),
                                e.getMessage()));
                String scraped = get("http://localhost:" + metrics.port() + "/metrics");
                long series = scraped.lines().filter(l -> l.startsWith("operator_sdk_")).count();
                say("/healthz: " + get("http://localhost:" + metrics.port() + "/healthz").trim()
                        + "; /metrics: " + series + " operator_sdk_* series");
            } finally {
                operator.stop();
                delete(models);
            }
        }
        say(String.format("Demo finished in %.1f s", (System.nanoTime() - t0) / 1e9));
    }

    /** The analysis of the A/B example cut to the demo's time scale: a week of demo clock is 2.8 h of wall time. */
    static final long MIN_SECONDS = 600;
    static final long CHECK_SECONDS = 30;
    static final long MIN_USERS = 2000;
    /** How long "Git catches up" watches for a change that must not come. */
    static final Duration QUIET = Duration.ofSeconds(3);

    /**
     * Step 2: the A/B example against the running model. The experiment decides on the simulated shoppers' counts;
     * with {@code onConclusion: promote} the winner becomes the model's target through status, so the model rolls
     * it out while its ModelVersion is still a candidate; the ModelVersion's stage edit that the Event asks for then
     * only makes Git agree.
     */
    private void abTest(KubernetesClient client, ModelVersion v2) throws Exception {
        Path file = root.resolve("examples").resolve(AB_EXAMPLE);
        ABExperiment x;
        try (var in = Files.newInputStream(file)) {
            x = client.resources(ABExperiment.class).load(in).item();
        }
        String name = x.getMetadata().getName();
        ABExperimentSpec.Analysis a = x.getSpec().analysis == null ? new ABExperimentSpec.Analysis()
                : x.getSpec().analysis;
        say("2. A/B test: kubectl apply -f " + root.relativize(file));
        say(String.format("   spec.analysis cut to the demo's clock: minDurationSeconds %s -> %d, checkIntervalSeconds"
                + " %s -> %d, minUsersPerVariant %s -> %d", a.minDurationSeconds, MIN_SECONDS, a.checkIntervalSeconds,
                CHECK_SECONDS, a.minUsersPerVariant, MIN_USERS));
        a.minDurationSeconds = MIN_SECONDS;
        a.checkIntervalSeconds = CHECK_SECONDS;
        a.minUsersPerVariant = MIN_USERS;
        x.getSpec().analysis = a;
        x.getMetadata().setNamespace(NS);
        live = e -> "ABExperiment".equals(e.getInvolvedObject().getKind());
        client.resource(x).inNamespace(NS).create();
        String model = x.getSpec().modelRef;
        watch(client, () -> name.equals(rm(client).getStatus().experiment));
        var cm = client.configMaps().inNamespace(NS).withName(model + "-experiment").get();
        say("   the model serves both versions (status.experiment: " + name + "); ConfigMap " + model
                + "-experiment: " + (cm == null || cm.getData() == null ? "" : compact(cm.getData().values())));
        say(String.format(java.util.Locale.ROOT, "   SIMULATED shoppers arrive: %d users per variant per second of"
                + " demo clock; control converts %.1f %%, treatment %.1f %%", FakePrometheus.SHOPPERS,
                100 * FakePrometheus.CONTROL_CONVERSION, 100 * FakePrometheus.TREATMENT_CONVERSION));
        watch(client, () -> phase(experiment(client, NS + "/" + name)).done());
        var st = experiment(client, NS + "/" + name).getStatus();
        if (st.phase != ExperimentPhase.Concluded) {
            throw new IllegalStateException("experiment ended " + st.phase + ": " + st.reason);
        }
        say("   status.winner " + st.winner + " (version " + st.winnerVersion + "); the model takes it as its target");
        watch(client, () -> phase(client, ModelPhase.RollingOut));
        String step = rm(client).getStatus().stepStartedAt;
        if (step != null) {
            // both on the operator's clock: the demo's 100 ms poll would measure itself
            say(String.format("   rollout started %d ms after the decision (status.decidedAt to the model's"
                    + " status.stepStartedAt)", Duration.between(java.time.Instant.parse(st.decidedAt),
                    java.time.Instant.parse(step)).toMillis() / speed));
        }
        long target = v2.getSpec().version;
        watch(client, () -> phase(client, ModelPhase.Serving)
                && Objects.equals(rm(client).getStatus().servingVersion, target) && ready(client)
                && client.v1().events().inNamespace(NS).list().getItems().stream()
                        .anyMatch(e -> "ExperimentPromoted".equals(e.getReason())));
        String mv = v2.getMetadata().getName();
        say("   model " + model + " serves " + target + " after the canary steps; ModelVersion " + mv
                + " is still at stage " + stage(client, mv).name().toLowerCase(java.util.Locale.ROOT)
                + " (the operator wrote no spec)");

        ModelVersion v1 = client.resources(ModelVersion.class).inNamespace(NS).list().getItems().stream()
                .filter(m -> model.equals(m.getSpec().modelRef) && m.getSpec().stage == Stage.PRODUCTION).findFirst()
                .orElseThrow();
        say("   Git catches up, as the Event says: kubectl patch mv " + mv
                + " --type merge -p '{\"spec\":{\"stage\":\"production\"}}'; kubectl patch mv "
                + v1.getMetadata().getName() + " --type merge -p '{\"spec\":{\"stage\":\"archived\"}}'");
        stage(client, mv, Stage.PRODUCTION);
        stage(client, v1.getMetadata().getName(), Stage.ARCHIVED);
        long quiet = System.nanoTime() + QUIET.toNanos();
        watch(client, () -> {
            var s = rm(client).getStatus();
            if (!Objects.equals(s.servingVersion, target) || s.candidateVersion != null) {
                throw new IllegalStateException("the stage edit changed the rollout: serving " + s.servingVersion
                        + ", candidate " + s.candidateVersion);
            }
            return System.nanoTime() > quiet && observed(client, mv) && observed(client, v1.getMetadata().getName());
        });
        say("   nothing changes: still serving " + target + ", no rollout (watched " + QUIET.toSeconds()
                + " s, " + QUIET.toSeconds() * speed + " s of demo clock)");
        live = e -> false;
    }

    /** The experiment file on one line: the operator writes it indented. */
    private static String compact(java.util.Collection<String> json) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String j : json) {
            b.append(new com.fasterxml.jackson.databind.ObjectMapper().readTree(j));
        }
        return b.toString();
    }

    /** The experiment of a key (namespace/name), or null: what the simulated Prometheus counts from. */
    private static ABExperiment experiment(KubernetesClient client, String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? null : client.resources(ABExperiment.class).inNamespace(key.substring(0, slash))
                .withName(key.substring(slash + 1)).get();
    }

    private static ExperimentPhase phase(ABExperiment x) {
        return x == null || x.getStatus() == null || x.getStatus().phase == null ? ExperimentPhase.Pending
                : x.getStatus().phase;
    }

    private static Stage stage(KubernetesClient client, String name) {
        return client.resources(ModelVersion.class).inNamespace(NS).withName(name).get().getSpec().stage;
    }

    /** Whether the version controller has seen the ModelVersion's latest spec. */
    private static boolean observed(KubernetesClient client, String name) {
        ModelVersion mv = client.resources(ModelVersion.class).inNamespace(NS).withName(name).get();
        return mv.getStatus() != null
                && Objects.equals(mv.getStatus().observedGeneration, mv.getMetadata().getGeneration());
    }

    /**
     * Step 4: two member clusters (an EKS-like and an AKS-like API server, each a mock with its own fake kubelet)
     * registered as ClusterTargets; a model placed 70/30 on them; one member goes away and its traffic fails over,
     * then comes back after the hysteresis. Step 5 runs on the same members and model.
     */
    private void multiCluster(MockCluster hub, KubernetesClient client, ModelVersion v2, URI prometheus)
            throws Exception {
        say("4. multi-cluster: two member API servers (eks-prod, aks-prod) registered as ClusterTargets");
        hub.namespace(Settings.DEPLOY_NAMESPACE);
        try (MockCluster eks = new MockCluster(); MockCluster aks = new MockCluster();
                FakeKubelet eksPods = new FakeKubelet(eks.client()); FakeKubelet aksPods = new FakeKubelet(aks.client())) {
            eksPods.start(250);
            aksPods.start(250);
            for (var m : java.util.List.of(java.util.Map.entry("eks-prod", eks), java.util.Map.entry("aks-prod", aks))) {
                m.getValue().namespace(NS);
                client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                        .withName("cluster-" + m.getKey()).withNamespace(Settings.DEPLOY_NAMESPACE).endMetadata()
                        .withStringData(java.util.Map.of("kubeconfig", m.getValue().kubeconfig())).build()).create();
                var ct = new io.recoflow.operator.api.placement.ClusterTarget();
                ct.setMetadata(new ObjectMetaBuilder().withName(m.getKey()).build());
                ct.setSpec(new io.recoflow.operator.api.placement.ClusterTargetSpec());
                ct.getSpec().cloud = m.getKey().startsWith("eks") ? io.recoflow.operator.api.placement.Cloud.AWS
                        : io.recoflow.operator.api.placement.Cloud.AZURE;
                ct.getSpec().region = m.getKey().startsWith("eks") ? "eu-west-1" : "westeurope";
                ct.getSpec().kubeconfigSecretRef = new io.recoflow.operator.api.placement.SecretKeyRef(
                        Settings.DEPLOY_NAMESPACE, "cluster-" + m.getKey(), null);
                ct.getSpec().endpoint = "https://recs." + m.getKey() + ".example.com";
                client.resource(ct).create();
            }
            RecommendationModel global = client.resources(RecommendationModel.class).inNamespace(NS)
                    .withName(rm(client).getMetadata().getName()).get();
            global.setMetadata(new ObjectMetaBuilder().withName(GLOBAL).withNamespace(NS).build());
            global.setStatus(null);
            global.getSpec().autoscaling = null;
            global.getSpec().replicas = 10;
            global.getSpec().placement = new io.recoflow.operator.api.spec.Placement();
            global.getSpec().placement.clusters = java.util.List.of(placement("eks-prod", 70),
                    placement("aks-prod", 30));
            // minutes of demo clock, so that pods coming up on a busy laptop never look like a failed cluster
            global.getSpec().placement.failover = new io.recoflow.operator.api.spec.Placement.Failover();
            global.getSpec().placement.failover.afterSeconds = 300;
            global.getSpec().placement.failover.restoreAfterSeconds = 300;
            client.resource(global).create();
            ModelVersion v = new ModelVersion();
            v.setMetadata(new ObjectMetaBuilder().withName(GLOBAL + "-v1").withNamespace(NS).build());
            v.setSpec(new ModelVersionSpec());
            v.getSpec().modelRef = GLOBAL;
            v.getSpec().version = v2.getSpec().version;
            v.getSpec().artifact = new ArtifactSource();
            v.getSpec().artifact.uri = v2.getSpec().artifact.uri;
            v.getSpec().stage = Stage.PRODUCTION;
            client.resource(v).create();
            say("   kubectl apply: RecommendationModel " + GLOBAL + " with placement eks-prod=70, aks-prod=30"
                    + " (10 replicas)");
            clusters(client, r -> "2/2".equals(r.getStatus().clustersReady));
            say("   aks-prod's API server goes away: after placement.failover.afterSeconds (300 s of demo clock)"
                    + " its weight moves to eks-prod");
            aks.stop();
            clusters(client, r -> r.getStatus().clusters.stream().anyMatch(c -> Boolean.TRUE.equals(c.failedOver)));
            say("   aks-prod is back: restored after serving again for restoreAfterSeconds (300 s of demo clock)");
            aks.start();
            clusters(client, r -> "2/2".equals(r.getStatus().clustersReady) && r.getStatus().clusters.stream()
                    .noneMatch(c -> Boolean.TRUE.equals(c.failedOver)) && r.getStatus().clusters.stream()
                    .allMatch(c -> c.effectiveWeight != null && c.effectiveWeight.equals(c.weight)));
            say("   objects in the members: eks-prod Deployment replicas "
                    + eks.client().apps().deployments().inNamespace(NS).withName(GLOBAL + "-blue").get().getSpec()
                    .getReplicas() + ", aks-prod " + aks.client().apps().deployments().inNamespace(NS)
                    .withName(GLOBAL + "-blue").get().getSpec().getReplicas() + "; in the hub: "
                    + client.apps().deployments().inNamespace(NS).list().getItems().stream()
                    .filter(d -> d.getMetadata().getName().startsWith(GLOBAL)).count());
            budget(client, eks.client(), aks.client(), prometheus);
            client.resources(RecommendationModel.class).inNamespace(NS).withName(GLOBAL).delete();
        }
    }

    static final String GLOBAL = "retail-recs-global";

    /** How often the operator reads a budget's source: 60 s of demo clock, about $6.50 of the GPU pool below. */
    static final Duration COST_POLL = Duration.ofSeconds(1);
    /** The month to date when the budget is applied, as a share of its limit: just under its first actual threshold. */
    static final double START_SHARE = 0.76;
    /** Step 5 starts on this day of the month at 12:00 UTC, so that its figures are the same on every run. */
    static final int BUDGET_DAY = 20;
    static final Duration INTO_NEXT_MONTH = Duration.ofMinutes(10);
    private String lastBudget = "";
    private String lastPlaced = "";
    private String lastHpas = "";

    /**
     * Step 5: the budget example over the placed model of step 4, on SIMULATED spend ({@link FakeCosts}). The model
     * gets the example's autoscaling first, as capReplicas acts on HPAs. The spend then crosses the thresholds by
     * itself (a GPU node pool adds about $6.50 a read) and the model takes each action from the budget's status;
     * the pool goes, and the clock jumps into the next month, which releases every action.
     */
    private void budget(KubernetesClient client, KubernetesClient eks, KubernetesClient aks, URI prometheus)
            throws Exception {
        Path file = root.resolve("examples").resolve(BUDGET_EXAMPLE);
        CloudCostBudget b;
        try (var in = Files.newInputStream(file)) {
            b = client.resources(CloudCostBudget.class).load(in).item();
        }
        double limit = b.getSpec().limitUSD;
        java.util.Map<String, KubernetesClient> members = new java.util.LinkedHashMap<>();
        members.put(FakeCosts.EKS, eks);
        members.put(FakeCosts.AKS, aks);
        say(String.format(java.util.Locale.ROOT, "5. a $%.0f monthly budget across both clouds (%s) over model %s",
                limit, root.relativize(file), GLOBAL));
        var autoscaling = rm(client).getSpec().autoscaling;
        say("   capReplicas caps HPAs: kubectl patch rm " + GLOBAL + ": replicas 10 -> autoscaling "
                + autoscaling.minReplicas + ".." + autoscaling.maxReplicas + " (as in examples/retail-recs.yaml;"
                + " the member mocks run no HPA controller, so only the HPAs' bounds move)");
        editModel(client, r -> {
            r.getSpec().replicas = null;
            r.getSpec().autoscaling = autoscaling;
        });
        budgetWatch(client, members, null, (x, r) -> stable(r) && rendered(r, hpas(members), null));

        Instant now = clock.instant();
        ZonedDateTime day = now.atZone(ZoneOffset.UTC).withDayOfMonth(BUDGET_DAY).truncatedTo(ChronoUnit.DAYS)
                .withHour(12);
        if (!day.toInstant().isAfter(now)) {
            day = day.plusMonths(1);
        }
        clock.skipTo(day.toInstant());
        say("   the operator's clock jumps from " + now.truncatedTo(ChronoUnit.SECONDS) + " to " + day.toInstant()
                + " (the " + BUDGET_DAY + "th, 12:00 UTC), so that every run shows about the same figures");
        Instant gpu = costs.runaway(clock.instant(), START_SHARE * limit);
        say("   cost source: SIMULATED (FakeCosts; the tests use a real Prometheus with OpenCost series and stubs of"
                + " the cloud billing APIs):");
        say(String.format(java.util.Locale.ROOT, "   eks-prod (aws) $%.2f/h and aks-prod (azure) $%.2f/h since the"
                + " 1st; since %s a GPU node pool left running on eks-prod, %d x p4d.24xlarge at $%.2f/h: $%.2f this"
                + " month (%.0f %%)", FakeCosts.EKS_HOURLY, FakeCosts.AKS_HOURLY, gpu.truncatedTo(ChronoUnit.SECONDS),
                FakeCosts.GPU_NODES, FakeCosts.GPU_NODE_HOURLY, START_SHARE * limit, 100 * START_SHARE));

        b.getMetadata().setNamespace(NS);
        if (b.getSpec().scope == null) {
            b.getSpec().scope = new io.recoflow.operator.api.budget.CloudCostBudgetSpec.Scope();
        }
        java.util.List<String> adjusted = new java.util.ArrayList<>();
        adjusted.add("scope.namespaces " + b.getSpec().scope.namespaces + " -> [" + NS + "]");
        b.getSpec().scope.namespaces = java.util.List.of(NS);
        if (b.getSpec().source.opencost != null) {
            adjusted.add("source.opencost.prometheusUrl -> the simulated Prometheus: the spend comes from FakeCosts,"
                    + " the operator asks Prometheus only for request counts, which it has none of, so the cheapest"
                    + " cluster is the one that spent least");
            b.getSpec().source.opencost.prometheusUrl = prometheus.toString();
        }
        adjusted.add("pollIntervalSeconds " + b.getSpec().pollIntervalSeconds + " stays; the operator reads every "
                + COST_POLL.toSeconds() + " s (Settings.withCostPollCap), " + COST_POLL.toSeconds() * speed
                + " s of demo clock");
        try (FakeWebhook webhook = new FakeWebhook()) {
            var notify = b.getSpec().notify;
            if (notify != null && notify.webhookSecret != null) {
                client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                        .withName(notify.webhookSecret).withNamespace(Settings.DEPLOY_NAMESPACE).endMetadata()
                        .withStringData(java.util.Map.of(notify.key == null ? "url" : notify.key, webhook.url()))
                        .build()).create();
                adjusted.add("notify.webhookSecret: Secret " + Settings.DEPLOY_NAMESPACE + "/" + notify.webhookSecret
                        + " created, its url a SIMULATED Slack webhook that prints what it gets");
            }
            say("   adjusted for the demo:");
            adjusted.forEach(a -> say("     " + a));
            live = e -> "CloudCostBudget".equals(e.getInvolvedObject().getKind())
                    || GLOBAL.equals(e.getInvolvedObject().getName()) && e.getReason().startsWith("Budget");
            say("   kubectl apply -f " + root.relativize(file));
            client.resource(b).inNamespace(NS).create();
            budgetWatch(client, members, webhook, (x, r) -> action(x).contains("pauseExperiments")
                    && r.getStatus().budget != null && r.getStatus().budget.contains("pauseExperiments")
                    && shifted(x, r) && rendered(r, hpas(members), cap(x)));
            say("   no experiment runs now (step 2's has concluded); a running one would hold its split, a pending one"
                    + " would not start (Ready reason BudgetPaused)");

            costs.stopRunaway(clock.instant());
            say(String.format(java.util.Locale.ROOT, "   the team deletes the GPU node pool (SIMULATED): back at"
                    + " $%.2f/h; what is spent stays spent, so the actions stay until the month ends",
                    FakeCosts.EKS_HOURLY + FakeCosts.AKS_HOURLY));
            budgetWatch(client, members, webhook, (x, r) -> stable(r));
            Instant next = Forecast.periodEnd(clock.instant()).plus(INTO_NEXT_MONTH);
            clock.skipTo(next);
            say("   the operator's clock jumps into the next month, to " + next);
            Instant period = Forecast.periodStart(next);
            budgetWatch(client, members, webhook, (x, r) -> "none".equals(action(x))
                    && period.toString().equals(x.getStatus().periodStart) && x.getStatus().spentUSD != null
                    && r.getStatus().budget == null && stable(r) && r.getStatus().clusters.stream()
                    .allMatch(c -> java.util.Objects.equals(c.effectiveWeight, c.weight))
                    && rendered(r, hpas(members), null) && event(client, "NewPeriod")
                    && event(client, "BudgetActionReleased"));
            live = e -> false;
        }
    }

    /**
     * Prints the budget table when its ACTION, period or first figures change (SPENT changes with every read), the
     * placed model's clusters and its members' HPAs when they change, what the webhook got and the Events that
     * {@link #live} picks, until done (the budget is null before it is applied).
     */
    private void budgetWatch(KubernetesClient client, java.util.Map<String, KubernetesClient> members,
            FakeWebhook webhook, java.util.function.BiPredicate<CloudCostBudget, RecommendationModel> done)
            throws InterruptedException {
        long end = System.nanoTime() + STEP_LIMIT.toNanos();
        while (true) {
            // Events before the objects: an Event follows its status write, so its table is printed before it
            var events = client.v1().events().inNamespace(NS).list().getItems();
            var budgets = client.resources(CloudCostBudget.class).inNamespace(NS).list().getItems();
            CloudCostBudget b = budgets.isEmpty() ? null : budgets.get(0);
            RecommendationModel r = client.resources(RecommendationModel.class).inNamespace(NS).withName(GLOBAL).get();
            boolean ok = r.getStatus() != null && r.getStatus().clusters != null && done.test(b, r);
            var s = b == null ? null : b.getStatus();
            String key = s == null ? "" : s.action + " " + s.periodStart + " " + (s.spentUSD == null);
            if (!key.equals(lastBudget)) {
                out.print(Table.budgets(budgets));
                if (s != null && s.spentUSD != null) {
                    out.println("   status: percentSpent " + s.percentSpent + ", byCluster " + s.byCluster
                            + ", cheapestCluster " + s.cheapestCluster + "; forecast " + s.forecastMethod);
                }
                out.println();
                lastBudget = key;
            }
            // settled states only: a member Deployment the operator rewrites loses its status in the CRUD mock until
            // the fake kubelet's next tick (pods never stop: the generation stays), and the two members' HPAs are
            // written one after the other
            boolean settled = r.getStatus() != null && r.getStatus().clusters != null && stable(r);
            String placed = "   " + GLOBAL + ": " + (r.getStatus() == null ? "" : r.getStatus().phase + " "
                    + r.getStatus().clustersReady + ", status.budget: " + r.getStatus().budget) + "\n"
                    + Table.clusters(r);
            if (settled && !placed.equals(lastPlaced)) {
                out.println(placed);
                lastPlaced = placed;
            }
            var hpas = hpas(members);
            String line = line(hpas);
            if (settled && !line.equals(lastHpas) && rendered(r, hpas, b == null ? null : cap(b))) {
                out.println(line);
                lastHpas = line;
            }
            events(events);
            for (String t = webhook == null ? null : webhook.next(); t != null; t = webhook.next()) {
                out.println("   webhook (SIMULATED Slack) got: " + t);
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("demo step did not finish within " + STEP_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** The placed model's HPA in each member (null: none), read once for both printing and checking. */
    private static java.util.Map<String, HorizontalPodAutoscaler> hpas(
            java.util.Map<String, KubernetesClient> members) {
        java.util.Map<String, HorizontalPodAutoscaler> out = new java.util.LinkedHashMap<>();
        members.forEach((cluster, c) -> out.put(cluster, c.autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace(NS).withName(GLOBAL).get()));
        return out;
    }

    /** `kubectl get hpa` in each member, on one line. */
    private static String line(java.util.Map<String, HorizontalPodAutoscaler> hpas) {
        StringBuilder b = new StringBuilder("   HPA " + GLOBAL + " in the members:");
        hpas.forEach((cluster, h) -> b.append(' ').append(cluster).append(h == null ? " none"
                : " MINPODS " + h.getSpec().getMinReplicas() + " MAXPODS " + h.getSpec().getMaxReplicas()).append(';'));
        return b.substring(0, b.length() - 1);
    }

    /**
     * Whether each member's HPA has the bounds the operator renders for the cluster's effective share, with a
     * budget's replica cap (null: none) on the spec's maxReplicas first.
     */
    private static boolean rendered(RecommendationModel r, java.util.Map<String, HorizontalPodAutoscaler> hpas,
            Integer cap) {
        var a = r.getSpec().autoscaling;
        if (a == null) {
            return false;
        }
        int max = cap == null ? a.maxReplicas : Math.max(a.minReplicas, Math.min(a.maxReplicas, cap));
        for (var c : r.getStatus().clusters) {
            var h = hpas.get(c.name);
            if (h == null || c.effectiveWeight == null) {
                return false;
            }
            int min = Weights.bound(a.minReplicas, c.effectiveWeight);
            if (h.getSpec().getMinReplicas() != min
                    || h.getSpec().getMaxReplicas() != Math.max(min, Weights.bound(max, c.effectiveWeight))) {
                return false;
            }
        }
        return true;
    }

    /** The ACTION column; empty before the budget has a status. */
    private static String action(CloudCostBudget b) {
        return b == null || b.getStatus() == null || b.getStatus().action == null ? "" : b.getStatus().action;
    }

    /** The capReplicas value in effect, or null. */
    private static Integer cap(CloudCostBudget b) {
        return b.getStatus() == null || b.getStatus().actions == null ? null : b.getStatus().actions.stream()
                .filter(a -> a.action == io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action.CAP_REPLICAS)
                .map(a -> a.value).min(Integer::compare).orElse(null);
    }

    /** Whether the model's effective weights are its configured ones shifted to the budget's cheapest cluster. */
    private static boolean shifted(CloudCostBudget b, RecommendationModel r) {
        Integer floor = b.getStatus().actions == null ? null : b.getStatus().actions.stream()
                .filter(a -> a.action == io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action.SHIFT_TRAFFIC)
                .map(a -> a.value).findFirst().orElse(null);
        if (floor == null || b.getStatus().cheapestCluster == null) {
            return false;
        }
        java.util.Map<String, Integer> configured = new java.util.LinkedHashMap<>();
        r.getSpec().placement.clusters.forEach(c -> configured.put(c.name, c.weight));
        var want = Enforcement.shift(configured, b.getStatus().cheapestCluster, floor);
        return r.getStatus().clusters.stream().allMatch(c -> java.util.Objects.equals(c.effectiveWeight,
                want.get(c.name)));
    }

    /** Every cluster serving and none on its way to a failover: the clock may jump without starting one. */
    private static boolean stable(RecommendationModel r) {
        return r.getStatus().clusters.stream().allMatch(c -> "Serving".equals(c.phase) && c.unhealthySince == null
                && !Boolean.TRUE.equals(c.failedOver));
    }

    private static boolean event(KubernetesClient client, String reason) {
        return event(client.v1().events().inNamespace(NS).list().getItems(), reason);
    }

    private static boolean event(java.util.List<Event> events, String reason) {
        return events.stream().anyMatch(e -> reason.equals(e.getReason()));
    }

    private static void editModel(KubernetesClient client, java.util.function.Consumer<RecommendationModel> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(RecommendationModel.class).inNamespace(NS).withName(GLOBAL).edit(r -> {
                    change.accept(r);
                    return r;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                // the operator writes status between our read and our write
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static io.recoflow.operator.api.spec.PlacementCluster placement(String name, int weight) {
        var c = new io.recoflow.operator.api.spec.PlacementCluster();
        c.name = name;
        c.weight = weight;
        return c;
    }

    /** Prints the placed model's clusters whenever they change, until done. */
    private void clusters(KubernetesClient client, java.util.function.Predicate<RecommendationModel> done)
            throws InterruptedException {
        long end = System.nanoTime() + STEP_LIMIT.toNanos();
        String last = "";
        while (true) {
            RecommendationModel r = client.resources(RecommendationModel.class).inNamespace(NS).withName(GLOBAL).get();
            boolean ok = r.getStatus() != null && r.getStatus().clusters != null && done.test(r);
            String table = "   " + GLOBAL + ": " + (r.getStatus() == null ? "" : r.getStatus().phase + " "
                    + r.getStatus().clustersReady) + "\n" + Table.clusters(r);
            if (!table.equals(last)) {
                out.println(table);
                last = table;
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("demo step did not finish within " + STEP_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Step 6 jumps the operator's clock to this long before each tick: a night at x60 is 24 min of wall time. */
    static final Duration BEFORE_TICK = Duration.ofSeconds(30);
    private String lastSchedules = "";
    /** Step 6's model store (the trainer's output), deleted when the operator has stopped. */
    private Path models;
    private final java.util.Set<String> shownJobs = new java.util.HashSet<>();

    /**
     * Step 6: the retraining example over the first model, its Jobs run by a SIMULATED trainer ({@link FakeTrainer}).
     * Two nights: the clock jumps to just before each 02:00 tick; the first challenger fails the gate, the second
     * passes it, and with {@code onSuccess: experiment} the schedule creates its ModelVersion and an ABExperiment
     * champion vs challenger, which the demo does not follow (its analysis takes a week of demo clock).
     */
    private void training(KubernetesClient client) throws Exception {
        Path file = root.resolve("examples").resolve(TRAINING_EXAMPLE);
        TrainingSchedule ts;
        try (var in = Files.newInputStream(file)) {
            ts = client.resources(TrainingSchedule.class).load(in).item();
        }
        String name = ts.getMetadata().getName();
        var spec = ts.getSpec();
        say("6. retraining: the TrainingSchedule " + name + " (" + root.relativize(file) + ") retrains model "
                + spec.modelRef + " (" + spec.trainer.model + ") on schedule \"" + spec.schedule + "\" (UTC), gate:"
                + " ndcg@10 gain >= " + spec.gate.minNdcgGain + " over the champion");
        say("   trainer: SIMULATED (FakeTrainer): a stand-in for the Job controller ends each training Job's pod after "
                + FakeTrainer.TRAINING.toMinutes() + " min of demo clock with exit 0 and the result JSON the trainer's"
                + " retrain writes to /dev/termination-log (made-up figures; nothing is trained or registered); "
                + FakeTrainer.E2E + " runs the real trainer as the Job");
        say("   adjusted for the demo:");
        if (spec.triggers != null) {
            say("     spec.triggers removed (minNewEvents " + spec.triggers.minNewEvents + ", drift psi "
                    + (spec.triggers.drift == null ? null : spec.triggers.drift.psi) + "): the demo has no feature"
                    + " worker metrics and no Redis; the schedule alone starts runs");
            spec.triggers = null;
        }
        say("     spec.schedule stays: instead the operator's clock jumps to " + BEFORE_TICK.toSeconds() + " s before"
                + " each tick (a day at x" + speed + " is " + Duration.ofDays(1).toMinutes() / speed + " min of wall"
                + " time)");
        if (spec.trainer.output.startsWith("file:")) {
            models = Files.createTempDirectory("recoflow-demo-models");
            String output = models.resolve(Path.of(URI.create(spec.trainer.output)).getFileName()).toUri().toString();
            say("     spec.trainer.output " + spec.trainer.output + " -> " + output + ": the demo mounts no volumes;"
                    + " the simulated trainer writes a stand-in SavedModel there when a challenger passes, as the real"
                    + " one exports it, so that the challenger's ModelVersion resolves (data and volumes stay: nothing"
                    + " reads them)");
            spec.trainer.output = output;
        }
        if (spec.onSuccess == io.recoflow.operator.api.training.TrainingScheduleSpec.OnSuccess.EXPERIMENT) {
            say("     spec.onSuccess experiment stays: a passing challenger gets a ModelVersion and an ABExperiment"
                    + " against the champion; the demo stops there (analysis.minDurationSeconds "
                    + spec.experiment.analysis.minDurationSeconds + " stays too)");
        }
        ts.getMetadata().setNamespace(NS);
        live = e -> e.getInvolvedObject().getName() != null && e.getInvolvedObject().getName().startsWith(name)
                && java.util.Set.of("TrainingSchedule", "ModelVersion", "ABExperiment")
                .contains(e.getInvolvedObject().getKind());
        try (FakeTrainer trainer = new FakeTrainer(client, clock).start()) {
            say("   kubectl apply -f " + root.relativize(file));
            client.resource(ts).inNamespace(NS).create();
            trainingWatch(client, name, (t, events) -> t.getStatus() != null && t.getStatus().nextRun != null);

            tick(client, name, "the first night");
            trainingWatch(client, name, (t, events) -> result(t, io.recoflow.operator.training.TrainingStatus
                    .GATE_FAILED) && event(events, "TrainingGateFailed"));
            var run = schedule(client, name).getStatus();
            say("   status.lastRun: " + run.lastRun.result + ", gain " + run.lastRun.gain + " (challenger ndcg@10 "
                    + run.challengerMetrics.get("ndcg@10") + " vs champion " + run.championMetrics.get("ndcg@10")
                    + "), message: " + run.lastRun.message);

            tick(client, name, "the second night");
            // until the experiment has a phase, so that its table shows one
            trainingWatch(client, name, (t, events) -> result(t, io.recoflow.operator.training.TrainingStatus
                    .REGISTERED) && event(events, "ChallengerExperiment") && Optional.ofNullable(experiment(client,
                    NS + "/" + t.getStatus().lastRun.job)).map(x -> x.getStatus()).map(x -> x.phase).isPresent());
            run = schedule(client, name).getStatus();
            say("   status.lastRun: " + run.lastRun.result + ", gain " + run.lastRun.gain + " (challenger ndcg@10 "
                    + run.challengerMetrics.get("ndcg@10") + " vs champion " + run.championMetrics.get("ndcg@10")
                    + "); status.challengerVersion " + run.challengerVersion);
            String selector = io.recoflow.operator.training.JobRenderer.SCHEDULE_LABEL;
            var mvs = client.resources(ModelVersion.class).inNamespace(NS).withLabel(selector, name).list().getItems();
            var xs = client.resources(ABExperiment.class).inNamespace(NS).withLabel(selector, name).list().getItems();
            say("   kubectl get mv,abx -l " + selector + "=" + name + " (created by the schedule, owned by it):");
            out.println(Table.versions(mvs) + "\n" + Table.experiments(xs));
            xs.forEach(x -> say("   ABExperiment " + x.getMetadata().getName() + ": " + x.getSpec().variants.stream()
                    .map(v -> v.name + " " + v.modelVersion + " " + v.weight + " %").collect(
                            java.util.stream.Collectors.joining(", ")) + "; onConclusion " + x.getSpec().onConclusion
                    .toString().toLowerCase(java.util.Locale.ROOT) + "; the demo leaves it there (its analysis needs"
                    + " a week of demo clock)"));
        }
        live = e -> false;
    }

    /**
     * Step 7: examples/pipeline.yaml on a REAL single-broker KRaft Kafka and a REAL redis-server, both inside this JVM;
     * the collector, worker and sink pods are the fake kubelet's, and the feature worker's effect on Kafka and Redis is
     * {@link FakeWorker}'s. The topics are read back through the Admin API; the worker pauses and the pipeline goes
     * stale on the demo clock, then catches up.
     */
    private void pipeline(KubernetesClient client) throws Exception {
        Path file = root.resolve("examples").resolve(PIPELINE_EXAMPLE);
        FeaturePipeline fp;
        try (var in = Files.newInputStream(file)) {
            fp = client.resources(FeaturePipeline.class).load(in).item();
        }
        String name = fp.getMetadata().getName();
        var spec = fp.getSpec();
        var broker = new org.springframework.kafka.test.EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        int redisPort;
        try (var socket = new java.net.ServerSocket(0)) {
            redisPort = socket.getLocalPort();
        }
        var redis = new redis.embedded.RedisServer(redisPort);
        redis.start();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers",
                broker.getBrokersAsString()))) {
            say("7. feature pipeline: the FeaturePipeline " + name + " (" + root.relativize(file) + ")");
            say("   Kafka: a REAL single-broker KRaft Kafka in this JVM at " + broker.getBrokersAsString()
                    + "; Redis: a REAL redis-server (embedded-redis) at 127.0.0.1:" + redisPort);
            say("   adjusted for the demo: kafka.bootstrapServers " + spec.kafka.bootstrapServers + " -> "
                    + broker.getBrokersAsString() + ", redis " + spec.redis.host + " -> 127.0.0.1:" + redisPort
                    + ", replicationFactor 3 -> 1 and minInsyncReplicas -> 1 (one broker)");
            say("   collector, worker and sink: Deployments whose pods the fake kubelet marks ready; the feature"
                    + " worker is SIMULATED (FakeWorker: a real consumer under the worker's group that marks"
                    + " freshness in Redis and commits, nothing else)");
            spec.kafka.bootstrapServers = broker.getBrokersAsString();
            spec.redis.host = "127.0.0.1";
            spec.redis.port = redisPort;
            for (var t : java.util.List.of(spec.kafka.topics.events, spec.kafka.topics.impressions,
                    spec.kafka.topics.deadLetter)) {
                t.replicationFactor = 1;
                if (t.minInsyncReplicas != null) {
                    t.minInsyncReplicas = 1;
                }
            }
            live = e -> name.equals(e.getInvolvedObject().getName())
                    && "FeaturePipeline".equals(e.getInvolvedObject().getKind());
            say("   kubectl apply -f " + root.relativize(file));
            client.resource(fp).inNamespace(NS).create();
            pipelineWatch(client, name, p -> PipelineStatus.isTrue(p, PipelineStatus.TOPICS_READY)
                    && PipelineStatus.isTrue(p, Conditions.READY));
            var described = admin.describeTopics(DesiredTopic.of(fp).stream().map(DesiredTopic::name).toList())
                    .allTopicNames().get();
            var retention = admin.describeConfigs(described.keySet().stream().map(t -> new org.apache.kafka.common
                    .config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t)).toList())
                    .all().get();
            say("   the topics, read back through the Admin API:");
            described.values().stream().sorted(Comparator.comparing(t -> t.name())).forEach(t -> out.printf(
                    "     %-22s partitions %2d  retention.ms %s%n", t.name(), t.partitions().size(),
                    retention.entrySet().stream().filter(e -> e.getKey().name().equals(t.name())).findFirst()
                            .orElseThrow().getValue().get("retention.ms").value()));
            var scaler = client.resources(HorizontalPodAutoscaler.class).inNamespace(NS).withName(name + "-worker")
                    .get();
            say("   no KEDA CRD in the demo's API server: the worker got an HPA on recoflow_worker_consumer_lag, max "
                    + scaler.getSpec().getMaxReplicas() + " (spec " + spec.worker.autoscaling.maxReplicas
                    + ", capped at the events topic's partitions)");

            String group = PipelineNames.workerGroup(client.resources(FeaturePipeline.class).inNamespace(NS)
                    .withName(name).get());
            var consumed = DesiredTopic.consumed(fp);
            FakeWorker worker = new FakeWorker(broker.getBrokersAsString(), group, consumed, redisPort);
            produce(broker.getBrokersAsString(), consumed.get(0), 2000);
            say("   2000 events produced; the worker applies them");
            pipelineWatch(client, name, p -> p.getStatus().lag != null && p.getStatus().lag.total == 0
                    && p.getStatus().freshness != null && p.getStatus().freshness.newestEvent != null
                    && PipelineStatus.isTrue(p, PipelineStatus.FRESH));
            worker.close();
            produce(broker.getBrokersAsString(), consumed.get(0), 3000);
            say("   the worker pauses; 3000 more events wait; freshness.maxSeconds " + spec.freshness.maxSeconds
                    + " passes on the demo clock");
            pipelineWatch(client, name, p -> Conditions.hasReason(p.getStatus().conditions, PipelineStatus.FRESH,
                    io.recoflow.operator.core.Reason.FeaturesStale));
            try (FakeWorker resumed = new FakeWorker(broker.getBrokersAsString(), group, consumed, redisPort)) {
                say("   the worker resumes");
                pipelineWatch(client, name, p -> p.getStatus().lag != null && p.getStatus().lag.total == 0
                        && PipelineStatus.isTrue(p, Conditions.READY));
            }
        } finally {
            live = e -> false;
            client.resources(FeaturePipeline.class).inNamespace(NS).withName(name).delete();
            redis.stop();
            broker.destroy();
        }
    }

    /** Events whose value is their event time on the operator's clock. */
    private void produce(String bootstrap, String topic, int n) throws Exception {
        var p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        p.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p)) {
            for (int i = 0; i < n; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "user-" + (i % 97),
                        Long.toString(clock.instant().toEpochMilli())));
            }
            producer.flush();
        }
    }

    /** Prints the pipeline's `kubectl get fp` line whenever it changes, until done (or {@link #STEP_LIMIT}). */
    private void pipelineWatch(KubernetesClient client, String name, Predicate<FeaturePipeline> done)
            throws InterruptedException {
        long end = System.nanoTime() + STEP_LIMIT.toNanos();
        String last = "";
        while (true) {
            FeaturePipeline p = client.resources(FeaturePipeline.class).inNamespace(NS).withName(name).get();
            boolean finished = p != null && p.getStatus() != null && done.test(p);
            if (p != null && p.getStatus() != null) {
                var s = p.getStatus();
                String line = String.format("     %-14s phase %-8s topics %-5s lag %-5s fresh %-7s ready %-5s %s",
                        name, s.phase, status(p, PipelineStatus.TOPICS_READY), s.lag == null ? "-" : s.lag.total,
                        status(p, PipelineStatus.FRESH), status(p, Conditions.READY),
                        Conditions.get(s.conditions, PipelineStatus.FRESH).map(c -> c.getMessage()).orElse(""));
                if (!line.equals(last)) {
                    out.println(line);
                    last = line;
                }
            }
            events(client);
            if (finished) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("demo step did not finish within " + STEP_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    private static String status(FeaturePipeline p, String type) {
        return Conditions.get(p.getStatus().conditions, type).map(c -> c.getStatus()).orElse("-");
    }

    /** Jumps the operator's clock to {@link #BEFORE_TICK} before the schedule's next run. */
    private void tick(KubernetesClient client, String name, String night) {
        Instant now = clock.instant();
        Instant next = Instant.parse(schedule(client, name).getStatus().nextRun);
        clock.skipTo(next.minus(BEFORE_TICK));
        say("   " + night + ": the operator's clock jumps from " + now.truncatedTo(ChronoUnit.SECONDS) + " to "
                + clock.instant().truncatedTo(ChronoUnit.SECONDS) + ", " + BEFORE_TICK.toSeconds()
                + " s before status.nextRun " + next);
    }

    private static void delete(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static TrainingSchedule schedule(KubernetesClient client, String name) {
        return client.resources(TrainingSchedule.class).inNamespace(NS).withName(name).get();
    }

    private static boolean result(TrainingSchedule t, String result) {
        return t.getStatus() != null && t.getStatus().lastRun != null && result.equals(t.getStatus().lastRun.result);
    }

    /**
     * Prints the schedule's table when a column but AGE changes, each training Job once (its name, backoffLimit and
     * the trainer's arguments) and the Events that {@link #live} picks, until done.
     */
    private void trainingWatch(KubernetesClient client, String name,
            java.util.function.BiPredicate<TrainingSchedule, java.util.List<Event>> done) throws InterruptedException {
        long end = System.nanoTime() + STEP_LIMIT.toNanos();
        while (true) {
            // Events before the objects: an Event follows its status write, so its table is printed before it
            var events = client.v1().events().inNamespace(NS).list().getItems();
            TrainingSchedule t = schedule(client, name);
            boolean ok = done.test(t, events);
            String table = Table.schedules(java.util.List.of(t));
            String key = ageless(table);
            if (!key.equals(lastSchedules)) {
                out.println(table);
                lastSchedules = key;
            }
            for (var j : client.batch().v1().jobs().inNamespace(NS)
                    .withLabel(io.recoflow.operator.training.JobRenderer.SCHEDULE_LABEL, name).list().getItems()) {
                if (shownJobs.add(j.getMetadata().getName())) {
                    var pod = j.getSpec().getTemplate().getSpec();
                    var c = pod.getContainers().get(0);
                    out.println("   Job " + j.getMetadata().getName() + " (owner " + j.getMetadata()
                            .getOwnerReferences().get(0).getKind() + "/" + name + "): backoffLimit "
                            + j.getSpec().getBackoffLimit() + ", restartPolicy " + pod.getRestartPolicy() + ", image "
                            + c.getImage() + ", terminationMessagePath " + c.getTerminationMessagePath());
                    out.println("     args: " + String.join(" ", c.getArgs()));
                    if (c.getVolumeMounts() != null && !c.getVolumeMounts().isEmpty()) {
                        java.util.Map<String, String> claims = new java.util.HashMap<>();
                        pod.getVolumes().forEach(v -> claims.put(v.getName(), v.getPersistentVolumeClaim() == null
                                ? v.getName() : v.getPersistentVolumeClaim().getClaimName()));
                        out.println("     volumes: " + c.getVolumeMounts().stream().map(m -> "PVC "
                                + claims.get(m.getName()) + " at " + m.getMountPath() + (Boolean.TRUE.equals(
                                m.getReadOnly()) ? " (read-only)" : "")).collect(java.util.stream.Collectors
                                .joining(", ")));
                    }
                }
            }
            events(events);
            if (ok) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("demo step did not finish within " + STEP_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    static final long BAD_OFFSET = 3600;
    private volatile long badVersion = -1;

    private ModelVersion badVersion(ModelVersion v2) {
        badVersion = v2.getSpec().version + BAD_OFFSET;
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName(v2.getSpec().modelRef + "-v3").withNamespace(NS).build());
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = v2.getSpec().modelRef;
        mv.getSpec().version = badVersion;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = v2.getSpec().artifact.uri;
        mv.getSpec().stage = Stage.PRODUCTION;
        return mv;
    }

    private void step(String title, KubernetesClient client, BooleanSupplier done) throws InterruptedException {
        say(title);
        watch(client, done);
    }

    /**
     * Prints the tables whenever they change, until done (or {@link #STEP_LIMIT}, which means something is wrong):
     * all of them when a model or version changed, else only the experiments (their counts change every look).
     */
    private void watch(KubernetesClient client, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + STEP_LIMIT.toNanos();
        while (true) {
            boolean finished = done.getAsBoolean();
            String models = Table.render(client.resources(RecommendationModel.class).inNamespace(NS).list()
                    .getItems(), client.resources(ModelVersion.class).inNamespace(NS).list().getItems());
            String experiments = Table.experiments(client.resources(ABExperiment.class).inNamespace(NS).list()
                    .getItems());
            String modelsKey = ageless(models);
            String experimentsKey = ageless(experiments);
            if (!modelsKey.equals(lastModels)) {
                out.println(experiments.isEmpty() ? models : models + "\n" + experiments);
            } else if (!experimentsKey.equals(lastExperiments)) {
                out.println(experiments);
            }
            lastModels = modelsKey;
            lastExperiments = experimentsKey;
            events(client);
            if (finished) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("demo step did not finish within " + STEP_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** A table without its AGE column, which changes every second and is no news. */
    private static String ageless(String table) {
        return table.replaceAll("\\s+\\d+[sm]\\s*\\n", "\n");
    }

    /** Prints the Events that {@link #live} picks and were not printed yet (a repeat bumps count, not uid). */
    private void events(KubernetesClient client) {
        events(client.v1().events().inNamespace(NS).list().getItems());
    }

    private void events(java.util.List<Event> all) {
        all.stream().filter(live)
                .filter(e -> shown.add(e.getMetadata().getUid()))
                .sorted(Comparator.comparing(Event::getLastTimestamp))
                .forEach(e -> out.printf("   event: %s %s %s: %s%n", e.getType(), e.getReason(),
                        e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName(), e.getMessage()));
    }

    /** Reconcile time per controller from JOSDK's micrometer timers (what /metrics exports). */
    private void reconcileStats(PrometheusMeterRegistry meters) {
        var timers = meters.getMeters().stream()
                .filter(m -> m instanceof io.micrometer.core.instrument.Timer
                        && m.getId().getName().equals("operator.sdk.controllers.execution.reconcile"))
                .map(m -> (io.micrometer.core.instrument.Timer) m)
                .collect(java.util.stream.Collectors.groupingBy(t -> String.valueOf(t.getId().getTag("controller"))));
        timers.forEach((controller, list) -> {
            long n = list.stream().mapToLong(io.micrometer.core.instrument.Timer::count).sum();
            double total = list.stream().mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)).sum();
            double max = list.stream().mapToDouble(t -> t.max(TimeUnit.MILLISECONDS)).max().orElse(0);
            out.printf("    reconcile %-20s %4d reconciles, mean %6.1f ms, max %6.1f ms%n", controller, n,
                    n == 0 ? 0 : total / n, max);
        });
    }

    private static void stage(KubernetesClient client, String name, Stage stage) {
        client.resources(ModelVersion.class).inNamespace(NS).withName(name).edit(mv -> {
            mv.getSpec().stage = stage;
            return mv;
        });
    }

    private static RecommendationModel rm(KubernetesClient client) {
        return client.resources(RecommendationModel.class).inNamespace(NS).list().getItems().stream()
                .filter(r -> !GLOBAL.equals(r.getMetadata().getName())).findFirst().orElseThrow();
    }

    private static boolean phase(KubernetesClient client, ModelPhase phase) {
        var s = rm(client).getStatus();
        return s != null && s.phase == phase;
    }

    private static boolean ready(KubernetesClient client) {
        var s = rm(client).getStatus();
        return s != null && Conditions.isTrue(s.conditions, Conditions.READY);
    }

    private static String config(KubernetesClient client, String name) {
        var cm = client.configMaps().inNamespace(NS).withName(name).get();
        return cm == null || cm.getData() == null ? "" : cm.getData().getOrDefault("models.config", "");
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void say(String line) {
        out.println("==> " + line);
    }

}
