package io.recoflow.benchmarks.operatorscale;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.common.ModelMetadata;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.Autoscaling;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Slo;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.testing.ApiRequest;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.MockCluster;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The operator scale benchmark: N RecommendationModels with K ModelVersions each on the fabric8 mock API server.
 *
 * <ol>
 *   <li>cold start: every object exists, then the operator JVM starts; until every RM serves v1 and every MV
 *       says Serving (v1) or Ready;</li>
 *   <li>promote-all: vK's stage set to production on every RM (one merge patch each, as {@code kubectl patch});
 *       until every RM serves vK with no candidate left and vK says Serving;</li>
 *   <li>steady state, twice: (a) every owned Deployment touched (an annotation the operator does not render), so
 *       each RM reconciles with nothing to change; (b) the operator restarted, so every RM and MV reconciles from
 *       its informers' first LIST. The operator's requests are counted in both.</li>
 * </ol>
 *
 * Two JVMs: this one (mock server, fake kubelet, driver) and the operator's shipped jar (see {@link OperatorJvm}).
 * Writes {@code results.json} and {@code summary.md} to {@code --out}. Usage: see run.sh.
 */
public final class ScaleBenchmark {
    static final String NS = "scale";
    static final String PROBE_NS = "probe";
    static final String MANAGED = "app.kubernetes.io/managed-by";
    static final List<String> OPERATOR_GROUPS = List.of(ThreadCpu.RECONCILERS, ThreadCpu.HTTP, ThreadCpu.OTHER,
            ThreadCpu.GC, ThreadCpu.JIT);
    static final List<String> CLUSTER_GROUPS = List.of(ThreadCpu.MOCK, ThreadCpu.KUBELET, ThreadCpu.OTHER,
            ThreadCpu.GC, ThreadCpu.JIT);

    private final Map<String, String> opts;
    private final int n;
    private final int versions;
    private final Strategy strategy;
    private final Path out;
    private final Duration timeout;
    private final Map<String, Object> results = new LinkedHashMap<>();

    private MockCluster cluster;
    private KubernetesClient client;
    private OperatorJvm operator;
    private Convergence convergence;
    private InformerKubelet kubelet;
    private final AtomicInteger driverWrites = new AtomicInteger();

    ScaleBenchmark(Map<String, String> opts) {
        this.opts = opts;
        this.n = Integer.parseInt(opts.getOrDefault("n", "1000"));
        this.versions = Integer.parseInt(opts.getOrDefault("versions", "2"));
        this.strategy = "blue-green".equals(opts.getOrDefault("strategy", "canary")) ? Strategy.BLUE_GREEN
                : Strategy.CANARY;
        this.out = Path.of(opts.getOrDefault("out", "target/operator-scale"));
        this.timeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("timeout", "600")));
    }

    /**
     * {@code --n 1000 --versions 2 --strategy canary|blue-green --out DIR --repo DIR --operator-jar JAR
     * --operator-jvm "-Xmx1g ..." --max-requeue 30 --timeout 600 --kubelet informer|polling:MS}
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rc = new ScaleBenchmark(opts).run();
        System.exit(rc);
    }

    int run() throws Exception {
        Files.createDirectories(out);
        results.put("benchmark", "operator-scale");
        results.put("started_utc", Instant.now().toString());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("n", n);
        o.put("versions", versions);
        o.put("strategy", strategy == Strategy.BLUE_GREEN ? "blue-green" : "canary (one step: 100 %, pause 0)");
        o.put("operator_jvm", opts.getOrDefault("operator-jvm", "-Xmx1g"));
        o.put("max_requeue_seconds", opts.getOrDefault("max-requeue", "30"));
        o.put("kubelet", opts.getOrDefault("kubelet", "informer"));
        results.put("options", o);
        results.put("machine", machine());
        boolean converged = false;
        try {
            converged = scenario();
        } catch (Exception e) {
            results.put("error", e.toString());
            e.printStackTrace();
        } finally {
            results.put("finished_utc", Instant.now().toString());
            results.put("load_average_end", loadAverage());
            if (operator != null) {
                operator.close();
            }
            if (kubelet != null) {
                kubelet.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            Files.writeString(out.resolve("results.json"),
                    Serialization.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
            Files.writeString(out.resolve("summary.md"), Summary.markdown(results));
            System.out.println(Files.readString(out.resolve("summary.md")));
        }
        return converged ? 0 : 1;
    }

    private boolean scenario() throws Exception {
        Path repo = Path.of(opts.getOrDefault("repo", "."));
        Path jar = Path.of(opts.getOrDefault("operator-jar",
                "benchmarks/operator-scale/target/operator/recoflow-operator-all.jar"));
        results.put("commit", opts.getOrDefault("commit", "?")); // HEAD when the run started
        results.put("operator_jar_built_utc", Files.getLastModifiedTime(jar).toInstant().toString());
        results.put("operator_jar_sha256", java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest(Files.readAllBytes(jar))).substring(0, 16));
        cluster = new MockCluster();
        cluster.applyCrds(repo.resolve("crds"));
        cluster.namespace(NS);
        cluster.namespace(PROBE_NS);
        client = driverClient(cluster);

        log("mock API server at " + cluster.url() + "; latency probe on the empty mock");
        results.put("mock_latency_empty", Probe.run(client, 200));

        Path models = out.resolve("models").toAbsolutePath();
        for (int v = 1; v <= versions; v++) {
            artifact(models, v);
        }
        String uri = models.toUri().toString();
        log("creating " + n + " RecommendationModels and " + n * versions + " ModelVersions");
        long c0 = System.nanoTime();
        parallel(n, i -> {
            client.resource(model(name(i))).inNamespace(NS).create();
            for (int v = 1; v <= versions; v++) {
                client.resource(version(name(i), v, uri, v == 1 ? Stage.PRODUCTION : Stage.CANDIDATE))
                        .inNamespace(NS).create();
            }
        });
        results.put("create_seconds", secs(c0));

        SharedIndexInformer<RecommendationModel> rms = client.resources(RecommendationModel.class).inNamespace(NS)
                .inform();
        SharedIndexInformer<ModelVersion> mvs = client.resources(ModelVersion.class).inNamespace(NS).inform();
        convergence = new Convergence();
        var rmGoal = convergence.track(rms);
        var mvGoal = convergence.track(mvs);
        startKubelet();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("RECOFLOW_MAX_REQUEUE_SECONDS", opts.getOrDefault("max-requeue", "30"));
        List<String> jvm = Arrays.asList(opts.getOrDefault("operator-jvm", "-Xmx1g").trim().split("\\s+"));
        Path operatorLog = out.resolve("operator.log");
        Files.deleteIfExists(operatorLog);

        // 1. cold start
        rmGoal.expect(rm -> serving(rm, 1));
        mvGoal.expect(mv -> mv.getStatus() != null && mv.getStatus().phase
                == (mv.getSpec().version == 1 ? VersionPhase.Serving : VersionPhase.Ready));
        Phase cold = new Phase("cold_start");
        convergence.phase(cold.t0);
        log("cold start: operator JVM " + String.join(" ", jvm));
        operator = OperatorJvm.start(jar, cluster.url(), jvm, env, operatorLog);
        operator.awaitHealthy(timeout);
        cold.put("operator_healthy_seconds", secs(cold.t0));
        boolean ok = await("cold start");
        cold.finish(ok);
        if (!ok) {
            return false;
        }

        // 2. promote-all
        rmGoal.expect(rm -> serving(rm, versions));
        mvGoal.expect(mv -> mv.getStatus() != null && (mv.getSpec().version != versions
                ? mv.getStatus().phase != VersionPhase.Serving && mv.getStatus().phase != VersionPhase.RollingOut
                : mv.getStatus().phase == VersionPhase.Serving));
        Phase promote = new Phase("promote_all");
        convergence.phase(promote.t0);
        log("promote-all: v" + versions + " to production on " + n + " models");
        String patch = "{\"spec\":{\"stage\":\"production\"}}";
        parallel(n, i -> {
            client.resources(ModelVersion.class).inNamespace(NS).withName(name(i) + "-v" + versions)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            driverWrites.incrementAndGet();
        });
        promote.put("patch_seconds", secs(promote.t0));
        ok = await("promote-all");
        promote.finish(ok);
        if (!ok) {
            return false;
        }

        // 3a. steady state: every owned Deployment touched, nothing to change
        Phase touch = new Phase("steady_touch");
        List<Deployment> deployments = client.apps().deployments().inNamespace(NS).withLabel(MANAGED).list()
                .getItems();
        log("steady state (a): touching " + deployments.size() + " Deployments");
        String note = "{\"metadata\":{\"annotations\":{\"bench.recoflow.io/touched\":\"" + Instant.now() + "\"}}}";
        parallel(deployments.size(), i -> {
            client.apps().deployments().inNamespace(NS).withName(deployments.get(i).getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), note);
            driverWrites.incrementAndGet();
        });
        awaitReconciles(touch.scrape0, deployments.size(), 0);
        touch.put("deployments_touched", deployments.size());
        touch.finish(convergence.pending() == 0);

        // 3b. steady state: operator restarted; every primary reconciles from its informers' first LISTs
        log("steady state (b): restarting the operator");
        Map<String, Object> stop = new LinkedHashMap<>();
        long s0 = System.nanoTime();
        stop.put("exit_code", operator.stop(Duration.ofSeconds(30)));
        stop.put("stop_seconds", secs(s0));
        results.put("operator_stop", stop);
        Phase restart = new Phase("steady_restart"); // the operator is down: counters and CPU start at 0
        operator = OperatorJvm.start(jar, cluster.url(), jvm, env, operatorLog);
        operator.awaitHealthy(timeout);
        restart.put("operator_healthy_seconds", secs(restart.t0));
        double allSeconds = awaitReconciles(null, n, n * versions);
        restart.put("all_reconciled_seconds", allSeconds);
        restart.finish(convergence.pending() == 0);

        log("latency probe on the full mock (" + n + " models)");
        results.put("mock_latency_full", Probe.run(client, 200));
        results.put("mock_objects", objectCounts());
        results.put("cluster_jvm_heap_after_gc_mib", clusterHeapAfterGc());
        return true;
    }

    /** What one phase cost: wall time, reconciles, percentiles, CPU on both sides, requests, scrape, heap. */
    final class Phase {
        final String name;
        final long t0 = System.nanoTime();
        final Map<String, Object> r = new LinkedHashMap<>();
        Scrape scrape0;
        double cpuOperatorBefore;
        double[] userSystemBefore = {0, 0};
        ThreadCpu.Mark operatorCpu0 = new ThreadCpu.Mark(0, Map.of(), Map.of());
        final ThreadCpu.Mark cpu0 = ThreadCpu.self();
        final int requests0 = cluster.requests().size();
        final long clusterThreads0 = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        final int driverWrites0 = driverWrites.get();
        final long kubeletWrites0 = kubelet.writes();
        final long kubeletConflicts0 = kubelet.conflicts();

        Phase(String name) throws Exception {
            this.name = name;
            this.scrape0 = operator != null && operator.alive() ? operator.scrape() : null;
            this.cpuOperatorBefore = operator != null && operator.alive() ? operator.cpuSeconds() : 0;
            if (operator != null && operator.alive()) {
                userSystemBefore = operator.userSystemSeconds();
                operatorCpu0 = ThreadCpu.mark(operator.pid());
            }
            results.put(name, r);
        }

        void put(String k, Object v) {
            r.put(k, v);
        }

        void finish(boolean converged) throws Exception {
            r.put("converged", converged);
            if (convergence.pending() > 0 || !converged) {
                r.put("pending", convergence.pending());
                r.put("pending_examples", convergence.stuck(10));
            }
            if (name.equals("cold_start") || name.equals("promote_all")) {
                r.put("converge_seconds", converged ? convergence.seconds() : null);
                r.put("rm_goal_met_seconds", percentiles(convergence.firstMetSeconds("RecommendationModel")));
            }
            long settle0 = System.nanoTime();
            Scrape after = settle();
            r.put("settle_seconds", secs(settle0));
            r.put("wall_seconds", secs(t0));
            r.put("reconciles", Reconciles.between(scrape0, after, n, n * versions));
            Map<String, Object> cpu = new LinkedHashMap<>();
            double operatorCpu = operator.cpuSeconds() - cpuOperatorBefore;
            double[] us = operator.userSystemSeconds();
            cpu.put("operator_jvm", round(operatorCpu, 2));
            cpu.put("operator_jvm_user", round(us[0] - userSystemBefore[0], 2));
            cpu.put("operator_jvm_system", round(us[1] - userSystemBefore[1], 2));
            ThreadCpu.between(operatorCpu0, ThreadCpu.mark(operator.pid()), OPERATOR_GROUPS)
                    .forEach((k, v) -> cpu.put("operator_jvm: " + k, round(v, 2)));
            Map<String, Double> clusterCpu = ThreadCpu.between(cpu0, ThreadCpu.self(), CLUSTER_GROUPS);
            clusterCpu.forEach((k, v) -> cpu.put("cluster_jvm: " + k, round(v, 2)));
            double mockCpu = clusterCpu.get(ThreadCpu.MOCK);
            double clusterTotal = clusterCpu.get("total");
            // lower bound: the mock's own threads; upper bound: the whole cluster JVM (its GC and JIT are mostly
            // the mock's, plus the kubelet and the driver)
            cpu.put("mock_share_of_mock_plus_operator", round(mockCpu / (mockCpu + operatorCpu), 3));
            cpu.put("cluster_jvm_share_of_both_jvms", round(clusterTotal / (clusterTotal + operatorCpu), 3));
            r.put("cpu_seconds", cpu);
            List<ApiRequest> reqs = cluster.requests();
            reqs = reqs.subList(Math.min(requests0, reqs.size()), reqs.size());
            r.put("operator_requests", requestSummary(reqs));
            long kubeletWrites = kubelet.writes() - kubeletWrites0;
            int driver = driverWrites.get() - driverWrites0;
            r.put("kubelet_status_writes", kubeletWrites);
            r.put("kubelet_conflicts", kubelet.conflicts() - kubeletConflicts0);
            r.put("driver_writes", driver);
            double served = reqs.size() + kubeletWrites + driver;
            r.put("mock_cpu_ms_per_write_or_request_served", served == 0 ? null : round(1000 * mockCpu / served, 2));
            r.put("operator_threads_started", after.sum("jvm_threads_started_threads_total")
                    - (scrape0 == null ? 0 : scrape0.sum("jvm_threads_started_threads_total")));
            r.put("cluster_jvm_threads_started",
                    ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - clusterThreads0);
            r.put("operator_gc_pause_seconds", round(gcPauses(after) - (scrape0 == null ? 0 : gcPauses(scrape0)), 2));
            r.put("scrape_bytes", after.bytes());
            r.put("scrape_series", after.samples.size());
            r.put("scrape_by_family", sizeTable(after));
            Files.writeString(out.resolve("metrics-" + name + ".txt"), after.text);
            r.put("operator_heap_after_gc", operator.heapAfterGc(out.resolve("histogram-" + name + ".txt")));
            r.put("load_average", loadAverage());
            log(name + ": " + (r.get("converge_seconds") == null ? "" : r.get("converge_seconds")
                    + " s to converge, ") + "wall " + r.get("wall_seconds") + " s");
        }
    }

    /** GC pause seconds, without the full GCs this benchmark asks for (jcmd GC.run, GC.class_histogram). */
    private static double gcPauses(Scrape s) {
        return s.sum("jvm_gc_pause_seconds_sum", l -> !"Diagnostic Command".equals(l.get("cause"))
                && !"Heap Inspection Initiated GC".equals(l.get("cause")));
    }

    /** What the operator sent in the phase: all, informer LIST/WATCH (not per reconcile), the rest, by RBAC rule. */
    private static Map<String, Object> requestSummary(List<ApiRequest> reqs) {
        Map<String, Integer> byRule = new TreeMap<>();
        int informer = 0;
        for (ApiRequest q : reqs) {
            byRule.merge(q.rule(), 1, Integer::sum);
            if (q.verb().equals("list") || q.verb().equals("watch")) {
                informer++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", reqs.size());
        m.put("list_watch", informer);
        m.put("other", reqs.size() - informer);
        m.put("by_rule", byRule);
        return m;
    }

    private static Map<String, Object> sizeTable(Scrape s) {
        Map<String, Object> out = new LinkedHashMap<>();
        s.sizeByFamily().forEach((k, v) -> out.put(k, Map.of("series", v[0], "bytes", v[1])));
        return out;
    }

    /** Waits for the goal of the phase; on a timeout takes a thread dump of the operator. */
    private boolean await(String what) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        long lastLog = System.nanoTime();
        while (System.nanoTime() < end) {
            if (convergence.pending() == 0) {
                return true;
            }
            if (!operator.alive()) {
                throw new IllegalStateException("operator died during " + what);
            }
            if (System.nanoTime() - lastLog > 5_000_000_000L) {
                log(what + ": " + convergence.pending() + " objects not there yet");
                lastLog = System.nanoTime();
            }
            Thread.sleep(20);
        }
        Files.writeString(out.resolve("threads-timeout.txt"), operator.jcmd("Thread.print"));
        log(what + ": timed out with " + convergence.pending() + " pending, e.g. " + convergence.stuck(5));
        return false;
    }

    /**
     * Waits until the operator has reconciled at least {@code rms} RMs and {@code mvs} MVs since {@code before}
     * (null: since it started), or until its counters stop short for 10 s (events for one object coalesced).
     *
     * @return seconds until the counts were reached; NaN when they stopped short
     */
    private double awaitReconciles(Scrape before, int rms, int mvs) throws Exception {
        long t0 = System.nanoTime();
        long end = t0 + timeout.toNanos();
        double last = -1;
        long lastChange = t0;
        while (System.nanoTime() < end) {
            Scrape now = operator.scrape();
            double rm = Reconciles.count(before, now, Reconciles.RM);
            double mv = Reconciles.count(before, now, Reconciles.MV);
            if (rm >= rms && mv >= mvs) {
                return secs(t0);
            }
            if (rm + mv != last) {
                last = rm + mv;
                lastChange = System.nanoTime();
            } else if (last > 0 && System.nanoTime() - lastChange > 10_000_000_000L) {
                log("reconciles stopped at " + rm + " RM / " + mv + " MV, short of " + rms + " / " + mvs);
                return Double.NaN; // fewer than expected (events coalesced): the phase reports what ran
            }
            Thread.sleep(500);
        }
        return Double.NaN;
    }

    /** Waits until the operator's reconcile counters and request count stop moving (2 s alike), at most 60 s. */
    private Scrape settle() throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        Scrape last = operator.scrape();
        double lastCount = Reconciles.started(last);
        int lastRequests = cluster.requests().size();
        int quiet = 0;
        while (System.nanoTime() < end && quiet < 4) {
            Thread.sleep(500);
            Scrape now = operator.scrape();
            double count = Reconciles.started(now);
            int requests = cluster.requests().size();
            quiet = count == lastCount && requests == lastRequests ? quiet + 1 : 0;
            last = now;
            lastCount = count;
            lastRequests = requests;
        }
        return last;
    }

    private void startKubelet() {
        String mode = opts.getOrDefault("kubelet", "informer");
        kubelet = new InformerKubelet(client, 2);
        if (mode.startsWith("polling")) {
            // the tests' FakeKubelet (a LIST of all managed Deployments per tick), for comparison
            long period = mode.contains(":") ? Long.parseLong(mode.substring(mode.indexOf(':') + 1)) : 100;
            new FakeKubelet(client).start(period);
        } else {
            kubelet.start();
        }
    }

    private boolean serving(RecommendationModel rm, long version) {
        var s = rm.getStatus();
        return s != null && s.phase == ModelPhase.Serving && s.servingVersion != null && s.servingVersion == version
                && s.candidateVersion == null;
    }

    private Map<String, Object> objectCounts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("RecommendationModel",
                client.resources(RecommendationModel.class).inNamespace(NS).list().getItems().size());
        m.put("ModelVersion", client.resources(ModelVersion.class).inNamespace(NS).list().getItems().size());
        m.put("Deployment", client.apps().deployments().inNamespace(NS).list().getItems().size());
        m.put("ConfigMap", client.configMaps().inNamespace(NS).list().getItems().size());
        m.put("Service", client.services().inNamespace(NS).list().getItems().size());
        m.put("HorizontalPodAutoscaler",
                client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).list().getItems().size());
        m.put("Event", client.v1().events().inNamespace(NS).list().getItems().size());
        return m;
    }

    private static double clusterHeapAfterGc() {
        System.gc();
        return round(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0, 1);
    }

    static String name(int i) {
        return String.format("rm-%04d", i);
    }

    /** Same shape as the scenario tests' Fixtures.model: autoscaling (so an HPA), SLO (analysis off here). */
    RecommendationModel model(String name) {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName(name).build());
        RecommendationModelSpec s = new RecommendationModelSpec();
        s.model = name;
        s.autoscaling = new Autoscaling();
        s.autoscaling.minReplicas = 2;
        s.autoscaling.maxReplicas = 10;
        s.autoscaling.targetCPUUtilization = 70;
        s.autoscaling.targetRPS = 200;
        s.rollout = new Rollout();
        s.rollout.strategy = strategy;
        s.rollout.progressDeadlineSeconds = 600;
        if (strategy == Strategy.CANARY) {
            s.rollout.steps = List.of(new CanaryStep(100, 0)); // one step, no pause: promote-all measures the operator
        }
        s.slo = new Slo();
        s.slo.p95LatencyMs = 50;
        s.slo.maxErrorRate = 0.01;
        rm.setSpec(s);
        return rm;
    }

    static ModelVersion version(String model, long version, String uri, Stage stage) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName(model + "-v" + version).build());
        ModelVersionSpec s = new ModelVersionSpec();
        s.modelRef = model;
        s.version = version;
        s.artifact = new ArtifactSource();
        s.artifact.uri = uri;
        s.stage = stage;
        mv.setSpec(s);
        return mv;
    }

    /** BASE/VERSION/saved_model.pb + assets.extra/metadata.json, shared by every model (as in Fixtures.artifact). */
    static void artifact(Path base, long version) throws Exception {
        Path dir = base.resolve(String.valueOf(version));
        Files.createDirectories(dir);
        Files.write(dir.resolve("saved_model.pb"), new byte[] {0x08, 0x01});
        new ModelMetadata("ease", version, Map.of("lambda", 250.0), "0".repeat(64), List.of("85123A", "22423"),
                true, Map.of("ndcg@10", 0.30 + version / 100.0), Instant.parse("2026-11-25T06:00:00Z")).write(dir);
    }

    /**
     * The driver's client on the mock, with a small fixed executor (as OperatorMain.client(): the JDK HttpClient's
     * default starts a thread per completion), so the driver's own cost stays small next to the operator's.
     */
    static KubernetesClient driverClient(MockCluster cluster) {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "driver-http");
            t.setDaemon(true);
            return t;
        });
        return new KubernetesClientBuilder().withConfig(cluster.client().getConfiguration())
                .withHttpClientFactory(new JdkHttpClientFactory() {
                    @Override
                    protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
                        builder.executor(executor);
                    }
                }).build();
    }

    /** The driver's writers: 4 (its writes are mock-bound; more threads only queue), kept for the CPU split. */
    private static final ExecutorService WRITERS = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "driver-writer");
        t.setDaemon(true);
        return t;
    });

    /** Runs body(0..count-1) on the driver's writers. */
    static void parallel(int count, IntConsumer body) throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int k = i;
            fs.add(WRITERS.submit(() -> body.accept(k)));
        }
        for (Future<?> f : fs) {
            f.get();
        }
    }

    static Map<String, Object> percentiles(List<Double> sorted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", sorted.size());
        if (!sorted.isEmpty()) {
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                m.put("p" + (int) Math.round(q * 100), round(sorted.get((int) Math.ceil(q * sorted.size()) - 1), 2));
            }
            m.put("first", round(sorted.get(0), 2));
            m.put("max", round(sorted.get(sorted.size() - 1), 2));
        }
        return m;
    }

    private static Map<String, Object> machine() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("memory_gib", round(((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / 1073741824.0, 1));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        m.put("cpu_model", model);
        m.put("load_average_start", loadAverage());
        m.put("cluster_jvm", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return m;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    static double secs(long t0) {
        return round((System.nanoTime() - t0) / 1e9, 2);
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static void log(String message) {
        System.out.println("[" + Instant.now().toString().substring(11, 19) + "] " + message);
    }
}
