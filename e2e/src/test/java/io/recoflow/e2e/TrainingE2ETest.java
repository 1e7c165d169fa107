package io.recoflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recoflow.common.ModelMetadata;
import io.recoflow.operator.OperatorFactory;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.api.training.TrainingScheduleStatus;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.testing.FakeJobRunner;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.testing.MutableClock;
import io.recoflow.operator.testing.Rbac;
import io.recoflow.operator.version.registry.DefaultModelRegistry;
import io.recoflow.trainer.TrainerMain;
import io.recoflow.trainer.registry.LocalRegistry;
import io.recoflow.trainer.registry.ModelRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The trainer as the Job runs it: the operator on the mock API server schedules a TrainingSchedule's runs, and
 * {@link FakeJobRunner} (the Job controller and kubelet) runs each attempt as the real {@code TrainerMain retrain} in
 * this JVM with exactly the rendered container args, except {@code --data} (the Online Retail sample instead of the
 * data lake) and {@code --result} (a temp file instead of {@code /dev/termination-log}, whose content becomes the
 * pod's termination message as Kubernetes copies it). The exit code is the trainer's; the registry is the trainer's
 * local one, read back with {@link LocalRegistry}; the challenger's ModelVersion is resolved by the operator's
 * {@link DefaultModelRegistry} from what the trainer wrote.
 *
 * <p>The three runs share one schedule, one hour apart on the operator's clock: a first challenger registered
 * without a champion, a worse model gated out against it, and an unreachable registry retried to the backoff limit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingE2ETest {
    static final Path REPO = Path.of(System.getProperty("recoflow.repo.root", ".."));
    static final String NS = "recs";
    static final String MODEL = "retail-recs";
    static final String SCHEDULE = "retail-recs-hourly";
    static final double MIN_GAIN = 0.005;
    static final ObjectMapper JSON = new ObjectMapper();

    /** One attempt the runner made: the args as rendered, the trainer's exit code and result, its stdout. */
    record Attempt(String job, List<String> rendered, int exitCode, String result, String stdout) {
        JsonNode json() {
            try {
                return JSON.readTree(result);
            } catch (IOException e) {
                throw new UncheckedIOException("the trainer's result is not JSON: " + result, e);
            }
        }
    }

    static Path root;
    static Path sample;
    /** trainer.output: where the runs' SavedModels go ({@code output/<version>}) */
    static Path output;
    static String outputUri;
    static Path registryDir;
    static MockCluster cluster;
    static KubernetesClient client;
    static MutableClock clock;
    static Rbac rbac;
    static Operator operator;
    static FakeKubelet kubelet;
    static FakeJobRunner runner;
    static final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    /** run 1's version and metrics, which the later runs are measured against */
    static long firstVersion;
    static JsonNode firstResult;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("e2e-training");
        sample = Path.of(System.getProperty("recoflow.dataset.dir"), "online_retail_sample.csv.gz");
        assertThat(sample).as("Online Retail sample (surefire property recoflow.dataset.dir)").exists();
        output = root.resolve("output");
        outputUri = output.toUri().toString().replaceAll("/$", "");
        registryDir = root.resolve("registry");
        // the model served before any retraining: a plain `train`, registered nowhere (the registry has no champion)
        Path serving = root.resolve("serving");
        int rc = TrainerMain.execute(System.out, "train", "--data", sample.toString(), "--model", "popular",
                "--out", serving.toString(), "--version", "1", "--exclude-history");
        assertThat(rc).as("trainer exit code for the served model").isZero();

        cluster = new MockCluster();
        client = cluster.client();
        cluster.applyCrds(REPO.resolve("crds"));
        cluster.namespace(NS);
        rbac = Rbac.load(client, REPO.resolve("operator/deploy/operator.yaml"));
        clock = new MutableClock(Instant.parse("2026-12-01T07:00:00Z"));
        operator = OperatorFactory.create(cluster.operatorClient(), Settings.forTests(), clock,
                new DefaultModelRegistry(), null);
        operator.start();
        kubelet = new FakeKubelet(client).start(100);
        runner = new FakeJobRunner(client).runs(TrainingE2ETest::runTrainer).start(100);

        client.resource(model()).inNamespace(NS).create();
        client.resource(servedVersion(serving)).inNamespace(NS).create();
        await().until(() -> rm(), r -> r.getStatus() != null && r.getStatus().phase == ModelPhase.Serving
                && Long.valueOf(1).equals(r.getStatus().servingVersion));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {runner, kubelet, operator == null ? null : operator::stop}) {
            closeQuietly(c);
        }
        if (cluster != null) {
            // every call the operator made must be one its deployed Role allows
            Set<String> denied = rbac == null ? Set.of() : rbac.denied(cluster.requests());
            cluster.close();
            assertThat(denied).as("requests operator/deploy/operator.yaml does not allow").isEmpty();
        }
        deleteTree(root);
        // a trainer that takes the file:// of --out for a relative path writes under the working directory
        if (outputUri != null && !Path.of(outputUri).isAbsolute()) {
            Path stray = Path.of(outputUri).toAbsolutePath();
            deleteTree(stray);
            for (Path p = stray.getParent(); p != null && Files.isDirectory(p) && p.startsWith(Path.of("file:")
                    .toAbsolutePath()); p = p.getParent()) {
                try (Stream<Path> left = Files.list(p)) {
                    if (left.findAny().isPresent()) {
                        break;
                    }
                }
                Files.delete(p);
            }
        }
    }

    @Test
    @Order(1)
    void theFirstRunHasNoChampionSoItsChallengerIsRegisteredAndATrialAgainstTheServedModelStarts() throws Exception {
        client.resource(schedule()).inNamespace(NS).create();
        TrainingSchedule waiting = await().until(TrainingE2ETest::ts, t -> t.getStatus() != null
                && t.getStatus().nextRun != null);
        assertThat(waiting.getStatus().nextRun).isEqualTo("2026-12-01T08:00:00Z");

        TrainingScheduleStatus.Run run = tick(null);
        Attempt a = onlyAttempt(run.job);
        long v = run.version;
        assertThat(v).isEqualTo(Instant.parse("2026-12-01T08:00:00Z").getEpochSecond());
        assertThat(a.rendered()).containsSubsequence("retrain", "--data", "file:///lake/events/", "--model",
                "ease:lambda=100", "--out", outputUri, "--version", Long.toString(v), "--registry",
                "local:" + registryDir, "--name", MODEL, "--champion-alias", "champion", "--challenger-alias",
                "challenger", "--min-ndcg-gain", Double.toString(MIN_GAIN), "--result", "/dev/termination-log");
        assertThat(a.exitCode()).as(a.stdout()).isZero();
        JsonNode r = a.json();
        assertThat(r.path("result").asText()).as(a.result()).isEqualTo("registered");
        assertThat(run.result).as(run.message).isEqualTo("Registered");
        assertThat(run.message).isEqualTo(r.path("message").asText()).contains("no champion");

        // the status carries the real evaluation
        TrainingScheduleStatus st = ts().getStatus();
        double ndcg = r.path("challenger").path("ndcg@10").asDouble();
        assertThat(ndcg).isBetween(0.05, 1.0);
        assertThat(st.challengerVersion).isEqualTo(v);
        assertThat(st.challengerMetrics).containsEntry("ndcg@10", ndcg)
                .containsEntry("recall@20", r.path("challenger").path("recall@20").asDouble());
        assertThat(st.championMetrics).as("no champion to compare with").isNull();
        assertThat(st.lastRun.gain).isNull();
        assertThat(st.lastSuccess.job).isEqualTo(run.job);

        // the trainer wrote the SavedModel where trainer.output says, and the registry's challenger points at it
        Path dir = output.resolve(Long.toString(v));
        assertThat(dir.resolve("saved_model.pb")).as("the SavedModel of run %d under trainer.output %s (the trainer "
                + "got --out %s)", v, output, outputUri).isRegularFile();
        assertThat(ModelMetadata.read(dir).version()).isEqualTo(v);
        LocalRegistry registry = new LocalRegistry(registryDir);
        ModelRegistry.Version challenger = registry.byAlias(MODEL, "challenger").orElseThrow();
        assertThat(challenger.version()).isEqualTo(r.path("registryVersion").asText()).isEqualTo("1");
        assertThat(Path.of(URI.create(challenger.source()))).isEqualTo(dir);
        assertThat(registry.byAlias(MODEL, "champion")).isEmpty();

        // onSuccess experiment: the challenger's ModelVersion resolves from what the trainer wrote
        ModelVersion mv = await().until(() -> mv(run.job), m -> m != null && m.getStatus() != null
                && m.getStatus().phase != null && m.getStatus().phase != VersionPhase.Pending
                && m.getStatus().phase != VersionPhase.Validating);
        assertThat(mv.getSpec().version).isEqualTo(v);
        assertThat(mv.getSpec().artifact.uri).isEqualTo(outputUri);
        assertThat(mv.getSpec().stage).isEqualTo(Stage.CANDIDATE);
        assertThat(mv.getStatus().phase).as(mv.getStatus().message).isEqualTo(VersionPhase.Ready);
        assertThat(mv.getStatus().resolvedUri).isEqualTo(outputUri);
        assertThat(mv.getStatus().metrics).containsKey("ndcg@10");
        ABExperiment x = await().until(() -> client.resources(ABExperiment.class).inNamespace(NS).withName(run.job)
                .get(), e -> e != null);
        assertThat(x.getSpec().variants).extracting(w -> w.name + "/" + w.modelVersion + "/" + w.weight)
                .containsExactly("champion/" + MODEL + "-v1/80", "challenger/" + run.job + "/20");
        assertThat(x.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo(SCHEDULE);
        awaitEvent("Normal", "TrainingRegistered");
        awaitEvent("Normal", "ChallengerExperiment");
        firstVersion = v;
        firstResult = r;
        System.out.printf("run 1 (%s): registered, registry version %s, ndcg@10 %.4f, recall@20 %.4f; "
                + "ModelVersion %s %s (%s)%n", run.job, challenger.version(), ndcg,
                r.path("challenger").path("recall@20").asDouble(), mv.getMetadata().getName(), mv.getStatus().phase,
                mv.getStatus().source);
    }

    @Test
    @Order(2)
    void aWorseModelAgainstThatChampionFailsTheGateOnceAndRegistersNothing() throws Exception {
        assertThat(firstResult).as("run 1 registered").isNotNull();
        // the run 1 challenger won its trial: the registry's champion alias moves to it
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(TrainerMain.execute(new PrintStream(out, true, StandardCharsets.UTF_8), "alias", "--registry",
                "local:" + registryDir, "--name", MODEL, "--alias", "champion", "--version", "1"))
                .as(out.toString(StandardCharsets.UTF_8)).isZero();
        edit(t -> t.getSpec().trainer.model = "popular");

        TrainingScheduleStatus.Run run = tick(ts().getStatus().lastRun.job);
        Attempt a = onlyAttempt(run.job);
        assertThat(a.rendered()).containsSubsequence("--model", "popular");
        assertThat(a.exitCode()).as("a failed gate is an answer: exit 0\n%s", a.stdout()).isZero();
        JsonNode r = a.json();
        assertThat(r.path("result").asText()).as(a.result()).isEqualTo("gateFailed");
        assertThat(run.result).as(run.message).isEqualTo("GateFailed");
        assertThat(run.message).isEqualTo(r.path("message").asText())
                .contains("gate failed, nothing registered", "champion = " + MODEL + " version 1",
                        String.format("< %.4f", MIN_GAIN), "not above 0");
        double gain = r.path("gain").asDouble();
        double lo = r.path("interval").get(0).asDouble();
        double hi = r.path("interval").get(1).asDouble();
        assertThat(gain).isNegative();
        assertThat(run.gain).isEqualTo(gain);
        assertThat(lo).isLessThanOrEqualTo(gain);
        assertThat(hi).isBetween(gain, 0.0);

        TrainingScheduleStatus st = ts().getStatus();
        // measured against run 1's model, now scored from its exported SavedModel
        assertThat(st.championMetrics.get("ndcg@10"))
                .isCloseTo(firstResult.path("challenger").path("ndcg@10").asDouble(), within(1e-4));
        assertThat(st.challengerMetrics).containsEntry("ndcg@10", r.path("challenger").path("ndcg@10").asDouble());
        assertThat(st.challengerVersion).as("still run 1's").isEqualTo(firstVersion);
        assertThat(st.lastSuccess.version).isEqualTo(firstVersion);
        assertThat(runner.attempts(run.job)).as("a failed gate is never retried").isEqualTo(1);
        LocalRegistry registry = new LocalRegistry(registryDir);
        assertThat(registry.versions(MODEL)).hasSize(1);
        assertThat(registry.byAlias(MODEL, "challenger").orElseThrow().version()).isEqualTo("1");
        assertThat(output.resolve(Long.toString(run.version))).doesNotExist();
        awaitEvent("Warning", "TrainingGateFailed");
        assertThat(mv(run.job)).as("no ModelVersion for a gated-out run").isNull();
        assertThat(client.resources(ABExperiment.class).inNamespace(NS).withName(run.job).get()).isNull();
        System.out.printf("run 2 (%s): gate failed, ndcg@10 %.4f vs champion %.4f, gain %+.4f, interval [%+.4f, "
                + "%+.4f], %d attempt%n", run.job, st.challengerMetrics.get("ndcg@10"),
                st.championMetrics.get("ndcg@10"), gain, lo, hi, runner.attempts(run.job));
    }

    @Test
    @Order(3)
    void anUnreachableRegistryFailsEveryAttemptUntilTheBackoffLimitAndTheScheduleSaysWhy() throws Exception {
        assertThat(firstResult).as("run 1 registered").isNotNull();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String registry = "mlflow:http://127.0.0.1:" + port;
        edit(t -> {
            t.getSpec().registry = registry;
            t.getSpec().backoffLimit = 1;
        });

        TrainingScheduleStatus.Run run = tick(ts().getStatus().lastRun.job);
        List<Attempt> mine = attempts(run.job);
        assertThat(runner.attempts(run.job)).as("backoffLimit 1: two attempts").isEqualTo(2);
        assertThat(mine).hasSize(2).allSatisfy(a -> {
            assertThat(a.rendered()).containsSubsequence("--registry", registry);
            assertThat(a.exitCode()).as(a.stdout()).isEqualTo(1);
            assertThat(a.json().path("result").asText()).isEqualTo("failed");
        });
        String message = mine.get(mine.size() - 1).json().path("message").asText();
        assertThat(message).isNotBlank();
        assertThat(run.result).isEqualTo("Failed");
        assertThat(run.message).isEqualTo(message);
        TrainingScheduleStatus st = ts().getStatus();
        assertThat(st.lastSuccess.version).isEqualTo(firstVersion);
        assertThat(st.challengerVersion).isEqualTo(firstVersion);
        assertThat(new LocalRegistry(registryDir).versions(MODEL)).hasSize(1);
        awaitEvent("Warning", "TrainingFailed");
        System.out.printf("run 3 (%s): failed after %d attempts: %s%n", run.job, runner.attempts(run.job),
                run.message);
    }

    // ---- the Job, run by the real trainer ----

    /** FakeJobRunner's run function: one attempt of the Job is one in-process {@code retrain}. */
    static FakeJobRunner.Exit runTrainer(Job job) {
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        List<String> rendered = List.copyOf(c.getArgs());
        List<String> args = new ArrayList<>(rendered);
        Path log = root.resolve("termination-log-" + job.getMetadata().getName() + "-"
                + (runner.attempts(job.getMetadata().getName()) + 1));
        replace(args, "--data", sample.toString());
        replace(args, "--result", log.toString());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int rc = TrainerMain.execute(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                args.toArray(String[]::new));
        String out = stdout.toString(StandardCharsets.UTF_8);
        System.out.print(out.lines().map(l -> "[" + job.getMetadata().getName() + "] " + l + "\n")
                .reduce("", String::concat));
        try {
            // Kubernetes copies the file at terminationMessagePath into the terminated state; no file, no message
            String message = Files.exists(log) ? Files.readString(log) : "";
            attempts.add(new Attempt(job.getMetadata().getName(), rendered, rc, message, out));
            return new FakeJobRunner.Exit(rc, message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void replace(List<String> args, String option, String value) {
        int i = args.indexOf(option);
        assertThat(i).as("%s in the Job's args %s", option, args).isNotNegative();
        args.set(i + 1, value);
    }

    static List<Attempt> attempts(String job) {
        return attempts.stream().filter(a -> a.job().equals(job)).toList();
    }

    static Attempt onlyAttempt(String job) {
        List<Attempt> mine = attempts(job);
        assertThat(mine).as("attempts of %s", job).hasSize(1);
        return mine.get(0);
    }

    /**
     * Moves the operator's clock to the next hourly tick and returns the run it started once it finished.
     * {@code previous}: the last run's Job, which the new run must not be.
     */
    static TrainingScheduleStatus.Run tick(String previous) {
        Instant next = Instant.parse(ts().getStatus().nextRun);
        clock.advance(Duration.between(clock.instant(), next));
        return await().until(() -> ts().getStatus().lastRun, r -> r != null && !r.job.equals(previous)
                && !"Running".equals(r.result));
    }

    /** Changes the spec and waits until the operator has reconciled it, so the next tick renders the new spec. */
    static void edit(Consumer<TrainingSchedule> change) {
        TrainingSchedule edited = client.resources(TrainingSchedule.class).inNamespace(NS).withName(SCHEDULE)
                .edit(t -> {
                    change.accept(t);
                    return t;
                });
        long generation = edited.getMetadata().getGeneration();
        await().until(() -> ts().getStatus().observedGeneration, g -> g != null && g >= generation);
    }

    // ---- the cluster ----

    static RecommendationModel model() {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName(MODEL).build());
        RecommendationModelSpec s = new RecommendationModelSpec();
        s.model = MODEL;
        s.replicas = 1;
        s.rollout = new Rollout();
        s.rollout.strategy = Strategy.CANARY;
        s.rollout.progressDeadlineSeconds = 600;
        s.rollout.steps = List.of(new CanaryStep(50, 60), new CanaryStep(100, 0));
        rm.setSpec(s);
        return rm;
    }

    static ModelVersion servedVersion(Path base) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName(MODEL + "-v1").build());
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = MODEL;
        mv.getSpec().version = 1L;
        mv.getSpec().stage = Stage.PRODUCTION;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = base.toUri().toString();
        return mv;
    }

    static TrainingSchedule schedule() {
        TrainingSchedule ts = new TrainingSchedule();
        ts.setMetadata(new ObjectMetaBuilder().withName(SCHEDULE).build());
        TrainingScheduleSpec s = new TrainingScheduleSpec();
        s.modelRef = MODEL;
        s.schedule = "@hourly";
        s.trainer = new TrainingScheduleSpec.Trainer();
        s.trainer.image = "ghcr.io/recoflow/trainer:0.1.0";
        s.trainer.model = "ease:lambda=100";
        // what the Job would read; the runner hands the trainer the sample instead
        s.trainer.data = "file:///lake/events/";
        s.trainer.output = outputUri;
        s.registry = "local:" + registryDir;
        s.gate = new TrainingScheduleSpec.Gate();
        s.gate.minNdcgGain = MIN_GAIN;
        s.backoffLimit = 2;
        s.onSuccess = TrainingScheduleSpec.OnSuccess.EXPERIMENT;
        s.experiment = new TrainingScheduleSpec.ExperimentTemplate();
        s.experiment.challengerWeight = 20;
        s.experiment.analysis = new ABExperimentSpec.Analysis();
        // the operator has no Prometheus here: the trial waits, it never decides while the clock moves hours
        s.experiment.analysis.minDurationSeconds = 604_800L;
        s.experiment.analysis.maxDurationSeconds = 2_592_000L;
        ts.setSpec(s);
        return ts;
    }

    static TrainingSchedule ts() {
        return client.resources(TrainingSchedule.class).inNamespace(NS).withName(SCHEDULE).get();
    }

    static RecommendationModel rm() {
        return client.resources(RecommendationModel.class).inNamespace(NS).withName(MODEL).get();
    }

    static ModelVersion mv(String name) {
        return client.resources(ModelVersion.class).inNamespace(NS).withName(name).get();
    }

    /** The reconciler writes status before events, so an event may follow the status it announces. */
    static void awaitEvent(String type, String reason) {
        await().until(() -> client.v1().events().inNamespace(NS).list().getItems().stream().anyMatch(e ->
                SCHEDULE.equals(e.getInvolvedObject().getName()) && type.equals(e.getType())
                        && reason.equals(e.getReason())));
    }

    static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
