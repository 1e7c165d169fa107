package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.testing.FakeJobRunner;
import io.recoflow.operator.testing.FakeJobRunner.Exit;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TrainingSchedules on the mock API server; a fake Job runner ends each attempt with the exit code and result JSON
 * (the trainer's termination message) the test decides. The trainer itself runs as the Job in e2e's TrainingE2ETest.
 */
class TrainingTest extends OperatorHarness {
    FakeJobRunner runner;
    volatile Function<Job, Exit> outcome = j -> null;

    @BeforeEach
    void startRunner() {
        runner = new FakeJobRunner(client).runs(j -> outcome.apply(j)).start(100);
    }

    @AfterEach
    void stopRunner() {
        runner.close();
    }

    static TrainingSchedule schedule(String name, String cron) {
        TrainingSchedule ts = new TrainingSchedule();
        ts.setMetadata(new ObjectMetaBuilder().withName(name).build());
        TrainingScheduleSpec s = new TrainingScheduleSpec();
        s.modelRef = "retail-recs";
        s.schedule = cron;
        s.trainer = new TrainingScheduleSpec.Trainer();
        s.trainer.image = "ghcr.io/recoflow/trainer:0.1.0";
        s.trainer.model = "ease:lambda=100";
        s.trainer.data = "s3://recoflow-lake/events/";
        s.trainer.output = "s3://recoflow-models/retail-recs";
        s.registry = "mlflow:http://mlflow.mlops:5000";
        s.gate = new TrainingScheduleSpec.Gate();
        s.gate.minNdcgGain = 0.005;
        s.backoffLimit = 2;
        ts.setSpec(s);
        return ts;
    }

    static String result(String result, long version, double gain, String message) {
        return "{\"result\":\"" + result + "\",\"version\":" + version + ",\"registryVersion\":\"8\",\"challenger\":"
                + "{\"ndcg@10\":0.3712},\"champion\":{\"ndcg@10\":0.3541},\"gain\":" + gain
                + ",\"interval\":[0.004,0.031],\"message\":\"" + message + "\"}";
    }

    static long version(Job j) {
        return Long.parseLong(j.getMetadata().getLabels().get("recoflow.io/training-version"));
    }

    TrainingSchedule ts(String name) {
        return client.resources(TrainingSchedule.class).inNamespace(NS).withName(name).get();
    }

    List<Job> jobs() {
        return client.batch().v1().jobs().inNamespace(NS).list().getItems();
    }

    void servingV1() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 300));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving);
    }

    @Test
    void theScheduleStartsARunOnTimeAndAPassingChallengerIsReported() throws Exception {
        servingV1();
        outcome = j -> new Exit(0, result("registered", version(j), 0.0171, "challenger registered"));
        client.resource(schedule("nightly", "0 2 * * *")).inNamespace(NS).create();
        TrainingSchedule waiting = await(Duration.ofSeconds(20), () -> ts("nightly"), t -> t.getStatus() != null
                && t.getStatus().nextRun != null);
        // the clock is at 07:00: the next 02:00 is tomorrow's, and nothing runs before it
        assertThat(waiting.getStatus().nextRun).isEqualTo("2026-11-26T02:00:00Z");
        assertThat(jobs()).isEmpty();
        clock.advance(Duration.ofHours(19).plusMinutes(1));
        Job job = await(Duration.ofSeconds(20), this::jobs, l -> l.size() == 1).get(0);
        long v = version(job);
        assertThat(v).isEqualTo(java.time.Instant.parse("2026-11-26T02:01:00Z").getEpochSecond());
        var c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getArgs()).containsExactly("retrain", "--data", "s3://recoflow-lake/events/",
                "--model", "ease:lambda=100", "--out", "s3://recoflow-models/retail-recs", "--version",
                Long.toString(v), "--registry", "mlflow:http://mlflow.mlops:5000", "--name", "retail-recs",
                "--champion-alias", "champion", "--challenger-alias", "challenger", "--min-ndcg-gain", "0.005",
                "--result", "/dev/termination-log");
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("TrainingSchedule");

        TrainingSchedule done = await(Duration.ofSeconds(20), () -> ts("nightly"), t -> t.getStatus().lastRun != null
                && "Registered".equals(t.getStatus().lastRun.result));
        assertThat(done.getStatus().challengerVersion).isEqualTo(v);
        assertThat(done.getStatus().lastSuccess.job).isEqualTo(job.getMetadata().getName());
        assertThat(done.getStatus().lastRun.gain).isEqualTo(0.0171);
        assertThat(done.getStatus().challengerMetrics).containsEntry("ndcg@10", 0.3712);
        assertThat(done.getStatus().championMetrics).containsEntry("ndcg@10", 0.3541);
        assertThat(done.getStatus().lastRun.trigger).startsWith("schedule 0 2 * * *");
        assertThat(done.getStatus().nextRun).isEqualTo("2026-11-27T02:00:00Z");
        awaitEvent("nightly", "Normal", "TrainingStarted");
        awaitEvent("nightly", "Normal", "TrainingRegistered");
        assertThat(Conditions.isTrue(done.getStatus().conditions, Conditions.PROGRESSING)).isFalse();
    }

    @Test
    void aFailingGateRegistersNothingAndSaysWhy() throws Exception {
        servingV1();
        outcome = j -> new Exit(0, result("gateFailed", version(j), -0.0042,
                "ndcg@10 gain -0.0042 < 0.005 (interval [-0.011, 0.003])"));
        client.resource(schedule("hourly", "@hourly")).inNamespace(NS).create();
        await(Duration.ofSeconds(20), () -> ts("hourly"), t -> t.getStatus() != null && t.getStatus().nextRun != null);
        clock.advance(Duration.ofHours(1));
        TrainingSchedule t = await(Duration.ofSeconds(20), () -> ts("hourly"), x -> x.getStatus().lastRun != null
                && "GateFailed".equals(x.getStatus().lastRun.result));
        assertThat(t.getStatus().challengerVersion).isNull();
        assertThat(t.getStatus().lastSuccess).isNull();
        assertThat(t.getStatus().lastRun.message).contains("gain -0.0042 < 0.005");
        awaitEvent("hourly", "Warning", "TrainingGateFailed");
        assertThat(runner.attempts(t.getStatus().lastRun.job)).as("a failed gate is an answer: no retry").isEqualTo(1);
    }

    @Test
    void aFailedRunIsRetriedByItsBackoffLimitThenReportedWithItsReason() throws Exception {
        servingV1();
        outcome = j -> new Exit(1, "{\"result\":\"failed\",\"version\":" + version(j)
                + ",\"message\":\"MLflow at http://mlflow.mlops:5000: Connection refused\"}");
        client.resource(schedule("hourly", "@hourly")).inNamespace(NS).create();
        await(Duration.ofSeconds(20), () -> ts("hourly"), t -> t.getStatus() != null && t.getStatus().nextRun != null);
        clock.advance(Duration.ofHours(1));
        TrainingSchedule t = await(Duration.ofSeconds(20), () -> ts("hourly"), x -> x.getStatus().lastRun != null
                && "Failed".equals(x.getStatus().lastRun.result));
        assertThat(runner.attempts(t.getStatus().lastRun.job)).as("backoffLimit 2: three attempts").isEqualTo(3);
        assertThat(t.getStatus().lastRun.message).isEqualTo("MLflow at http://mlflow.mlops:5000: Connection refused");
        awaitEvent("hourly", "Warning", "TrainingFailed");
    }

    @Test
    void aRunDueWhileOneIsActiveIsSkippedAndOldJobsArePruned() throws Exception {
        servingV1();
        outcome = j -> null; // every attempt keeps running
        TrainingSchedule s = schedule("hourly", "@hourly");
        s.getSpec().historyLimit = 1;
        client.resource(s).inNamespace(NS).create();
        await(Duration.ofSeconds(20), () -> ts("hourly"), t -> t.getStatus() != null && t.getStatus().nextRun != null);
        clock.advance(Duration.ofHours(1));
        await(Duration.ofSeconds(20), this::jobs, l -> l.size() == 1);
        clock.advance(Duration.ofHours(1));
        awaitEvent("hourly", "Normal", "TrainingSkipped");
        assertThat(jobs()).hasSize(1);
        // the active run ends; two more ticks: one Job kept (historyLimit 1) besides the running one
        outcome = j -> new Exit(0, result("registered", version(j), 0.01, "ok"));
        await(Duration.ofSeconds(20), () -> ts("hourly"), t -> "Registered".equals(t.getStatus().lastRun.result));
        for (int i = 0; i < 2; i++) {
            String before = ts("hourly").getStatus().lastRun.job;
            clock.advance(Duration.ofHours(1));
            await(Duration.ofSeconds(20), () -> ts("hourly"), t -> !t.getStatus().lastRun.job.equals(before)
                    && "Registered".equals(t.getStatus().lastRun.result));
        }
        await(Duration.ofSeconds(20), this::jobs, l -> l.size() == 1);
    }

    @Test
    void aPassingChallengerStartsAnExperimentAgainstTheChampion() throws Exception {
        servingV1();
        outcome = j -> new Exit(0, result("registered", version(j), 0.02, "challenger registered"));
        TrainingSchedule s = schedule("weekly", "@weekly");
        s.getSpec().trainer.output = Fixtures.artifact(models, 1764201600L, 0.37).replace("/1764201600", "");
        s.getSpec().onSuccess = TrainingScheduleSpec.OnSuccess.EXPERIMENT;
        s.getSpec().experiment = new TrainingScheduleSpec.ExperimentTemplate();
        s.getSpec().experiment.challengerWeight = 20;
        client.resource(s).inNamespace(NS).create();
        await(Duration.ofSeconds(20), () -> ts("weekly"), t -> t.getStatus() != null && t.getStatus().nextRun != null);
        clock.advance(Duration.ofDays(7));
        TrainingSchedule t = await(Duration.ofSeconds(20), () -> ts("weekly"), x -> x.getStatus().lastRun != null
                && "Registered".equals(x.getStatus().lastRun.result));
        String name = t.getStatus().lastRun.job;
        ABExperiment x = await(Duration.ofSeconds(20), () -> client.resources(ABExperiment.class).inNamespace(NS)
                .withName(name).get(), e -> e != null);
        assertThat(x.getSpec().variants).extracting(v -> v.name + "/" + v.modelVersion + "/" + v.weight)
                .containsExactly("champion/retail-recs-v1/80", "challenger/" + name + "/20");
        assertThat(x.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("weekly");
        var challenger = mv(name);
        assertThat(challenger.getSpec().version).isEqualTo(t.getStatus().lastRun.version);
        assertThat(challenger.getSpec().stage).isEqualTo(Stage.CANDIDATE);
        awaitEvent("weekly", "Normal", "ChallengerExperiment");
    }

    @Test
    void theSparkEngineRunsASparkApplicationAndReadsItsDriversResult() throws Exception {
        cluster.applyCrds(REPO.resolve("../shared/crds/third-party/spark-operator"));
        servingV1();
        TrainingSchedule s = schedule("spark-nightly", "@hourly");
        s.getSpec().trainer.engine = TrainingScheduleSpec.Engine.SPARK;
        s.getSpec().trainer.model = "als:factors=64";
        s.getSpec().trainer.spark = new TrainingScheduleSpec.Spark();
        s.getSpec().trainer.spark.image = "ghcr.io/recoflow/spark-retrain:0.1.0";
        s.getSpec().historyLimit = 1;
        client.resource(s).inNamespace(NS).create();
        await(Duration.ofSeconds(20), () -> ts("spark-nightly"), t -> t.getStatus() != null
                && t.getStatus().nextRun != null);
        var apps = client.genericKubernetesResources("sparkoperator.k8s.io/v1beta2", "SparkApplication").inNamespace(NS);
        for (int run = 1; run <= 2; run++) {
            clock.advance(Duration.ofHours(1));
            String name = await(Duration.ofSeconds(20), () -> ts("spark-nightly"), t -> t.getStatus().lastRun != null
                    && "Running".equals(t.getStatus().lastRun.result)
                    && apps.withName(t.getStatus().lastRun.job).get() != null).getStatus().lastRun.job;
            long version = ts("spark-nightly").getStatus().lastRun.version;
            var app = apps.withName(name).get();
            assertThat(app.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("spark-nightly");
            // the Spark operator's part: the driver pod ends with the result, the application COMPLETED
            client.pods().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata().withName(name + "-driver")
                        .addToLabels("recoflow.io/training-schedule", "spark-nightly").endMetadata()
                    .withNewSpec().addNewContainer().withName("spark-kubernetes-driver").withImage("x").endContainer()
                    .endSpec()
                    .withNewStatus().addNewContainerStatus().withName("spark-kubernetes-driver").withNewState()
                        .withNewTerminated().withExitCode(0).withMessage(result("registered", version, 0.012, "spark"))
                        .withFinishedAt("2026-11-25T08:00:00Z").endTerminated().endState().endContainerStatus()
                    .endStatus().build()).create();
            app.getAdditionalProperties().put("status", java.util.Map.of("applicationState",
                    java.util.Map.of("state", "COMPLETED"), "driverInfo", java.util.Map.of("podName", name + "-driver")));
            apps.resource(app).updateStatus();
            TrainingSchedule done = await(Duration.ofSeconds(40), () -> ts("spark-nightly"), t -> name.equals(
                    t.getStatus().lastRun.job) && "Registered".equals(t.getStatus().lastRun.result));
            assertThat(done.getStatus().challengerVersion).isEqualTo(version);
        }
        // historyLimit 1: the first application is deleted
        await(Duration.ofSeconds(40), () -> apps.list().getItems(), l -> l.size() == 1);
        assertThat(cluster.requests()).extracting(io.recoflow.operator.testing.ApiRequest::rule)
                .containsAll(RbacTest.SPARK_GRANTS);
    }

    @Test
    void driftOfTheRecentItemsFromTheChampionsTrainingDataStartsARun() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var redis = new redis.embedded.RedisServer(port);
        redis.start();
        try (var jedis = new redis.clients.jedis.JedisPooled("127.0.0.1", port)) {
            // the champion was trained on A and B half and half
            java.nio.file.Path dir = models.resolve("1");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.write(dir.resolve("saved_model.pb"), new byte[] {0x08, 0x01});
            new io.recoflow.common.ModelMetadata("ease", 1, java.util.Map.of(), "0".repeat(64), List.of("A", "B", "C"),
                    true, java.util.Map.of("ndcg@10", 0.3), java.time.Instant.parse("2026-11-25T06:00:00Z"),
                    java.util.Map.of("A", 0.5, "B", 0.5), null).write(dir);
            String base = models.toUri().toString();
            create(Fixtures.model("retail-recs", Strategy.CANARY, 300));
            create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
            await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                    && r.getStatus().phase == ModelPhase.Serving);
            // this hour, shoppers look at A as before, but mostly at C: PSI = 0.5 ln(0.5/0.8)... over the bins
            long hour = Math.floorDiv(System.currentTimeMillis(), 3_600_000L);
            String bucket = io.recoflow.common.RedisKeys.popularityBucket(hour);
            jedis.zadd(bucket, 50, "A");
            jedis.zadd(bucket, 50, "B");
            outcome = j -> new Exit(0, result("registered", version(j), 0.01, "ok"));
            TrainingSchedule s = schedule("drifting", null);
            s.getSpec().triggers = new TrainingScheduleSpec.Triggers();
            s.getSpec().triggers.checkIntervalSeconds = 10L;
            s.getSpec().triggers.drift = new TrainingScheduleSpec.Drift();
            s.getSpec().triggers.drift.redis = "127.0.0.1:" + port;
            client.resource(s).inNamespace(NS).create();
            // as trained: PSI 0, nothing starts
            TrainingSchedule calm = await(Duration.ofSeconds(20), () -> ts("drifting"), t -> t.getStatus() != null
                    && t.getStatus().psi != null);
            assertThat(calm.getStatus().psi).isEqualTo(0.0);
            assertThat(calm.getStatus().lastRun).isNull();
            jedis.zadd(bucket, 400, "C");
            TrainingSchedule drifted = await(Duration.ofSeconds(30), () -> ts("drifting"), t -> t.getStatus().lastRun
                    != null);
            assertThat(drifted.getStatus().lastRun.trigger).startsWith("drift: PSI").contains("> 0.2");
            assertThat(drifted.getStatus().psi).isGreaterThan(0.2);
            awaitEvent("drifting", "Normal", "TrainingStarted");
        } finally {
            redis.stop();
        }
    }

    @Test
    void enoughNewEventsStartARun() throws Exception {
        try (var prom = io.recoflow.operator.model.analysis.PrometheusFixture.start()) {
            prom.gauge("recoflow_worker_events_total{outcome=\"applied\",type=\"purchase\"}", 100);
            var triggers = new io.recoflow.operator.training.Triggers(prom.url);
            servingV1();
            TrainingSchedule s = schedule("busy", null);
            s.getSpec().triggers = new TrainingScheduleSpec.Triggers();
            s.getSpec().triggers.minNewEvents = 50_000L;
            // the operator under test reads no Prometheus: ask the trigger itself, on the schedule as written
            TrainingSchedule created = client.resource(s).inNamespace(NS).create();
            var rm = rm("retail-recs");
            java.time.Instant now = java.time.Instant.now();
            await(Duration.ofSeconds(20), () -> triggers.check(created, rm, now.plusSeconds(300)), f -> f.why() == null
                    && triggers.newEvents(300) != null);
            prom.gauge("recoflow_worker_events_total{outcome=\"applied\",type=\"purchase\"}", 60_100);
            var fired = await(Duration.ofSeconds(30), () -> triggers.check(created, rm, now.plusSeconds(300)),
                    f -> f.why() != null);
            assertThat(fired.why()).startsWith("new data: ").contains("events applied since").endsWith("(>= 50000)");
        }
    }
}
