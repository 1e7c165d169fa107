package io.recoflow.operator.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recoflow.operator.OperatorFactory;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.FastClock;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.MetricsServer;
import io.recoflow.operator.version.registry.DefaultModelRegistry;
import io.recoflow.operator.core.Conditions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The `demo` command: the operator against an in-process CRUD mock API server. Applies crds/ and examples/,
 * lets a fake kubelet make the model server pods ready, promotes the second ModelVersion through the canary
 * steps, then promotes a third version whose pods never get ready and shows the rollback.
 */
public final class Demo {
    static final String NS = "recoflow-demo";
    private final Path root;
    private final int speed;
    private final PrintStream out;
    private String lastTable = "";

    public Demo(Path root, int speed, PrintStream out) {
        this.root = root;
        this.speed = speed;
        this.out = out;
    }

    /** {@code demo [--root DIR] [--speed N]}: see ./demo.sh. */
    public static void main(String[] args) throws Exception {
        java.util.List<String> a = java.util.Arrays.asList(args);
        // the demo prints its own tables and the Events; operator logs would interleave with them
        for (String name : new String[] {"io.recoflow", "io.fabric8", "io.javaoperatorsdk"}) {
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
        FastClock clock = new FastClock(speed);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MockCluster cluster = new MockCluster(); FakeKubelet kubelet = new FakeKubelet(cluster.client())) {
            KubernetesClient client = cluster.client();
            say("Mock API server (fabric8 CRUD mode) up; applying " + root.resolve("crds"));
            cluster.applyCrds(root.resolve("crds"));
            cluster.namespace(NS);
            Settings settings = Settings.forTests().withMaxRequeue(Duration.ofMillis(200));
            Operator operator = OperatorFactory.create(client, settings, clock, new DefaultModelRegistry(), meters);
            operator.start();
            try (MetricsServer metrics = new MetricsServer(0, meters, operator)) {
                // v3's pods never become ready: stands in for a SavedModel TF-Serving cannot load
                kubelet.healthyWhen(d -> !config(client, d.getMetadata().getName()).contains("versions: "
                        + badVersion)).start(250);
                say("Operator started (clock x" + speed + ": a 60 s canary pause takes " + (60.0 / speed)
                        + " s); fake kubelet marks model-server pods ready");

                try (Stream<Path> files = Files.list(root.resolve("examples"))) {
                    // ClusterTargets come in step 4, with Secrets for the demo's member API servers
                    for (Path f : files.filter(p -> p.toString().endsWith(".yaml")
                            && !p.getFileName().toString().startsWith("clustertargets")).sorted().toList()) {
                        say("kubectl apply -f " + root.relativize(f));
                        cluster.apply(f, NS);
                    }
                }
                step("1. first production version comes up", client, () -> phase(client, ModelPhase.Serving)
                        && ready(client));

                ModelVersion v2 = client.resources(ModelVersion.class).inNamespace(NS).list().getItems().stream()
                        .filter(m -> m.getSpec().stage == Stage.CANDIDATE)
                        .max(Comparator.comparingLong(m -> m.getSpec().version)).orElseThrow();
                say("2. promote: kubectl patch mv " + v2.getMetadata().getName()
                        + " --type merge -p '{\"spec\":{\"stage\":\"production\"}}'");
                long promoted = System.nanoTime();
                promote(client, v2.getMetadata().getName());
                watch(client, () -> phase(client, ModelPhase.RollingOut));
                say(String.format("   rollout started %d ms after the stage edit (polled every 100 ms)",
                        (System.nanoTime() - promoted) / 1_000_000));
                watch(client, () -> phase(client, ModelPhase.Serving)
                        && Objects.equals(rm(client).getStatus().servingVersion, v2.getSpec().version)
                        && ready(client));

                ModelVersion v3 = badVersion(v2);
                say("3. promote a broken version: kubectl apply a ModelVersion " + v3.getMetadata().getName()
                        + " with stage production (its pods never get ready)");
                client.resource(v3).inNamespace(NS).create();
                watch(client, () -> phase(client, ModelPhase.RolledBack) && ready(client));

                multiCluster(cluster, client, v2);

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
            }
        }
        say(String.format("Demo finished in %.1f s", (System.nanoTime() - t0) / 1e9));
    }

    /**
     * Step 4: two member clusters (an EKS-like and an AKS-like API server, each a mock with its own fake kubelet)
     * registered as ClusterTargets; a model placed 70/30 on them; one member goes away and its traffic fails over,
     * then comes back after the hysteresis.
     */
    private void multiCluster(MockCluster hub, KubernetesClient client, ModelVersion v2) throws Exception {
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
            client.resources(RecommendationModel.class).inNamespace(NS).withName(GLOBAL).delete();
        }
    }

    static final String GLOBAL = "retail-recs-global";

    private static io.recoflow.operator.api.spec.PlacementCluster placement(String name, int weight) {
        var c = new io.recoflow.operator.api.spec.PlacementCluster();
        c.name = name;
        c.weight = weight;
        return c;
    }

    /** Prints the placed model's clusters whenever they change, until done. */
    private void clusters(KubernetesClient client, java.util.function.Predicate<RecommendationModel> done)
            throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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
                throw new IllegalStateException("demo step did not finish within 60 s");
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

    /** Prints the table whenever it changes, until done (or 60 s, which means something is wrong). */
    private void watch(KubernetesClient client, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            boolean finished = done.getAsBoolean();
            String table = Table.render(client.resources(RecommendationModel.class).inNamespace(NS).list().getItems(),
                    client.resources(ModelVersion.class).inNamespace(NS).list().getItems());
            String key = table.replaceAll("\\s+\\d+[sm]\\s*\\n", "\n");
            if (!key.equals(lastTable)) {
                out.println(table);
                lastTable = key;
            }
            if (finished) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("demo step did not finish within 60 s");
            }
            Thread.sleep(100);
        }
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

    private static void promote(KubernetesClient client, String name) {
        client.resources(ModelVersion.class).inNamespace(NS).withName(name).edit(mv -> {
            mv.getSpec().stage = Stage.PRODUCTION;
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
