package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recoflow.common.contract.ExperimentConfig;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.model.analysis.PrometheusFixture;
import io.recoflow.operator.model.analysis.PrometheusFixture.Behaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ABExperiments on the mock API server with a real Prometheus serving the worker's per-variant counts and the
 * service's per-version scoring histogram. Each test uses its own version numbers and experiment names, since the
 * Prometheus is shared.
 */
class ExperimentTest extends OperatorHarness {
    static PrometheusFixture prom;
    static com.sun.net.httpserver.HttpServer mlflow;
    static final List<String> aliasWrites = new java.util.concurrent.CopyOnWriteArrayList<>();
    static volatile String mlflowSource;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prom = PrometheusFixture.start();
        for (long v : new long[] {1, 2, 11, 21, 22, 31, 32, 33}) {
            prom.version(v, new Behaviour(0.008, 0));
        }
        prom.version(12, new Behaviour(0.3, 0));
        prom.version(41, new Behaviour(0.008, 0)).version(42, new Behaviour(0.008, 0));
        // MLflow 2.x REST: the registered model's version 7 is the treatment's artifact; alias writes are recorded
        mlflow = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        mlflow.createContext("/api/2.0/mlflow/", ex -> {
            String path = ex.getRequestURI().toString();
            String body;
            if ("POST".equals(ex.getRequestMethod())) {
                aliasWrites.add(path + " " + new String(ex.getRequestBody().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8));
                body = "{}";
            } else if (path.startsWith("/api/2.0/mlflow/model-versions/get?name=retail-recs&version=7")) {
                body = "{\"model_version\":{\"name\":\"retail-recs\",\"version\":\"7\",\"source\":\""
                        + mlflowSource + "\"}}";
            } else {
                body = null;
            }
            byte[] out = (body == null ? "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\"}" : body)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(body == null ? 404 : 200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        mlflow.start();
    }

    @Override
    io.recoflow.operator.version.registry.ModelRegistry registry() {
        return new io.recoflow.operator.version.registry.MlflowModelRegistry(java.net.URI.create("http://127.0.0.1:"
                + mlflow.getAddress().getPort()), new io.recoflow.operator.version.registry.DefaultModelRegistry());
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        if (prom != null) {
            prom.close();
        }
        if (mlflow != null) {
            mlflow.stop(0);
        }
    }

    @Override
    Settings settings() {
        return Settings.forTests().withPrometheusUrl(prom.url);
    }

    /** The model serving {@code control}, with ModelVersions for every other number as candidates. */
    private void serving(long control, long... others) throws Exception {
        String base = Fixtures.artifact(models, control, 0.30);
        var rm = Fixtures.model("retail-recs", Strategy.CANARY, 300);
        rm.getSpec().slo.window = "10s";
        create(rm);
        create(Fixtures.version("retail-recs", control, base, Stage.PRODUCTION));
        for (long v : others) {
            Fixtures.artifact(models, v, 0.32);
            create(Fixtures.version("retail-recs", v, base, Stage.CANDIDATE));
        }
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == control);
    }

    static ABExperiment experiment(String name, String model, String control, String treatment) {
        ABExperiment x = new ABExperiment();
        x.setMetadata(new ObjectMetaBuilder().withName(name).build());
        ABExperimentSpec s = new ABExperimentSpec();
        s.modelRef = model;
        s.variants = new ArrayList<>(List.of(ABExperimentSpec.Variant.of("control", control, 50, true),
                ABExperimentSpec.Variant.of("treatment", treatment, 50, false)));
        s.analysis = new ABExperimentSpec.Analysis();
        s.analysis.minUsersPerVariant = 1000L;
        s.analysis.minDurationSeconds = 0L;
        s.analysis.maxDurationSeconds = 86_400L;
        s.analysis.checkIntervalSeconds = 5L;
        s.onConclusion = ABExperimentSpec.OnConclusion.PROMOTE;
        x.setSpec(s);
        return x;
    }


    ABExperiment create(ABExperiment x) {
        return client.resource(x).inNamespace(NS).create();
    }

    ABExperiment abx(String name) {
        return client.resources(ABExperiment.class).inNamespace(NS).withName(name).get();
    }

    ABExperiment awaitPhase(String name, ExperimentPhase phase) {
        // the clock moves past each check interval so every look is due
        advanceUntil(Duration.ofSeconds(6), Duration.ofHours(1), () -> {
            ABExperiment x = abx(name);
            return x.getStatus() != null && x.getStatus().phase == phase;
        });
        return abx(name);
    }

    ABExperiment awaitSplit(String name) {
        return await(Duration.ofSeconds(30), () -> abx(name), x -> x.getStatus() != null
                && x.getStatus().phase == ExperimentPhase.Running && x.getStatus().startedAt != null);
    }

    ExperimentConfig file() throws Exception {
        return ExperimentConfig.parse(configMap("retail-recs-experiment").getData().get("experiments.yaml"));
    }

    @Test
    void treatmentThatConvertsBetterWinsAndTheModelRollsItOutWithoutASpecWrite() throws Exception {
        serving(1, 2);
        create(experiment("ease-vs-als", "retail-recs", "retail-recs-v1", "retail-recs-v2"));
        ABExperiment running = awaitSplit("ease-vs-als");
        assertThat(ArgoHealthTest.health(running).status()).isEqualTo("Healthy");
        // the model serves both versions and the split, and says so
        assertThat(rm("retail-recs").getStatus().experiment).isEqualTo("ease-vs-als");
        assertThat(configMap("retail-recs-blue").getData().get("models.config"))
                .contains("versions: 1").contains("versions: 2");
        ExperimentConfig.Experiment e = file().experiments().get(0);
        assertThat(e.name()).isEqualTo(NS + "/ease-vs-als");
        assertThat(e.variants()).extracting(ExperimentConfig.Variant::name, ExperimentConfig.Variant::modelVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("control", 1L),
                        org.assertj.core.groups.Tuple.tuple("treatment", 2L));
        awaitEvent("ease-vs-als", "Normal", "ExperimentStarted");

        prom.experiment(NS + "/ease-vs-als", "control", 5000, 900, 250)
                .experiment(NS + "/ease-vs-als", "treatment", 5000, 1100, 400);
        ABExperiment x = awaitPhase("ease-vs-als", ExperimentPhase.Concluded);
        assertThat(x.getStatus().winner).isEqualTo("treatment");
        assertThat(x.getStatus().winnerVersion).isEqualTo(2L);
        assertThat(x.getStatus().leader).isEqualTo("treatment");
        assertThat(x.getStatus().leaderLift).isEqualTo("+60.0%");
        assertThat(x.getStatus().users).isEqualTo(10_000L);
        var treatment = x.getStatus().variants.get(1);
        assertThat(treatment.exposedUsers).isEqualTo(5000L);
        assertThat(treatment.convertingUsers).isEqualTo(400L);
        assertThat(treatment.rate).isEqualTo(0.08);
        assertThat(treatment.lift).isEqualTo(0.6);
        assertThat(treatment.liftLower).isPositive().isLessThan(0.6);
        assertThat(treatment.pValue).isLessThan(0.05);
        assertThat(x.getStatus().srmPValue).isEqualTo(1.0);
        // what Argo CD shows for the object the operator wrote
        assertThat(ArgoHealthTest.health(x)).isEqualTo(new io.recoflow.operator.api.argocd.LuaHealth.Verdict(
                "Healthy", "concluded: winner treatment +60.0%"));
        awaitEvent("ease-vs-als", "Normal", "ExperimentConcluded");
        awaitEvent("ease-vs-als", "Normal", "ExperimentPromoted");
        awaitEvent("retail-recs", "Normal", "ExperimentPromoted");
        assertThat(Conditions.get(abx("ease-vs-als").getStatus().conditions, "Promoted").orElseThrow().getMessage())
                .contains("set spec.stage: production on ModelVersion retail-recs-v2");

        // the winner rolls out as the model's target, through the canary steps, while the ModelVersion's spec
        // still says candidate
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> Long.valueOf(2).equals(r.getStatus().candidateVersion));
        assertThat(rm("retail-recs").getStatus().experiment).isNull();
        assertThat(file().experiments()).isEmpty();
        advanceUntil(Duration.ofSeconds(10), Duration.ofMinutes(10), () -> {
            var r = rm("retail-recs");
            return r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == 2;
        });
        assertThat(mv("retail-recs-v2").getSpec().stage).isEqualTo(Stage.CANDIDATE);
    }

    @Test
    void slowTreatmentBreaksItsLatencyGuardrailAndTheSplitEnds() throws Exception {
        serving(11, 12);
        ABExperiment x = experiment("slow-treatment", "retail-recs", "retail-recs-v11", "retail-recs-v12");
        x.getSpec().guardrails = new ABExperimentSpec.Guardrails();
        x.getSpec().guardrails.p95LatencyMs = 100;
        x.getSpec().guardrails.window = "10s";
        create(x);
        // the treatment's version is slow from its first request: the first look stops the experiment
        ABExperiment stopped = awaitPhase("slow-treatment", ExperimentPhase.Stopped);
        assertThat(stopped.getStatus().reason).contains("variant treatment (version 12) p95 latency")
                .contains("> 100 ms");
        assertThat(stopped.getStatus().winner).isNull();
        assertThat(Conditions.get(stopped.getStatus().conditions, Conditions.READY).orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("GuardrailBreached");
        });
        awaitEvent("slow-treatment", "Warning", "GuardrailBreached");
        assertThat(ArgoHealthTest.health(stopped).status()).isEqualTo("Degraded");
        assertThat(ArgoHealthTest.health(stopped).message()).startsWith("Stopped: guardrail: variant treatment");
        // everyone is back on the production version
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus().experiment == null);
        await(Duration.ofSeconds(20), () -> configMap("retail-recs-blue").getData().get("models.config"),
                c -> !c.contains("versions: 12"));
        assertThat(file().experiments()).isEmpty();
        assertThat(rm("retail-recs").getStatus().servingVersion).isEqualTo(11L);
    }

    @Test
    void aSkewedSplitIsASampleRatioMismatchAndDeclaresNoWinner() throws Exception {
        serving(21, 22);
        create(experiment("skewed", "retail-recs", "retail-recs-v21", "retail-recs-v22"));
        awaitSplit("skewed");
        prom.experiment(NS + "/skewed", "control", 5300, 0, 250)
                .experiment(NS + "/skewed", "treatment", 4700, 0, 500);
        ABExperiment x = awaitPhase("skewed", ExperimentPhase.SampleRatioMismatch);
        assertThat(x.getStatus().winner).isNull();
        assertThat(x.getStatus().srmPValue).isLessThan(0.001);
        assertThat(x.getStatus().reason).contains("users 5300/4700 against weights 50/50");
        awaitEvent("skewed", "Warning", "SampleRatioMismatch");
        assertThat(rm("retail-recs").getStatus().servingVersion).isEqualTo(21L);
    }

    @Test
    void badReferencesAreFlaggedAndARunningExperimentHoldsRolloutsAndOtherExperiments() throws Exception {
        serving(31, 32, 33);
        var other = Fixtures.model("other-recs", Strategy.CANARY, 300);
        create(other);
        String base = Fixtures.artifact(models, 34, 0.3);
        var foreign = Fixtures.version("other-recs", 34, base, Stage.CANDIDATE);
        create(foreign);

        create(experiment("unknown", "retail-recs", "retail-recs-v31", "retail-recs-v99"));
        create(experiment("foreign", "retail-recs", "retail-recs-v31", "other-recs-v34"));
        for (String[] c : new String[][] {{"unknown", "UnknownModelVersion", "ModelVersion retail-recs-v99 not found"},
                {"foreign", "ForeignModelVersion", "belongs to model other-recs, not retail-recs"}}) {
            ABExperiment x = await(Duration.ofSeconds(20), () -> abx(c[0]), e -> e.getStatus() != null
                    && Conditions.hasReason(e.getStatus().conditions, Conditions.READY,
                            io.recoflow.operator.core.Reason.valueOf(c[1])));
            assertThat(Conditions.get(x.getStatus().conditions, Conditions.READY).orElseThrow().getMessage())
                    .contains(c[2]);
            assertThat(x.getStatus().phase).isEqualTo(ExperimentPhase.Pending);
            awaitEvent(c[0], "Warning", c[1]);
        }

        create(experiment("first", "retail-recs", "retail-recs-v31", "retail-recs-v32"));
        awaitSplit("first");
        // new weights reach the pods through the ConfigMap: the pod template (and so the pods) stay as they are
        var template = deployment("retail-recs-blue").getSpec().getTemplate();
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(ABExperiment.class).inNamespace(NS).withName("first").edit(x -> {
                    x.getSpec().variants.get(0).weight = 80;
                    x.getSpec().variants.get(1).weight = 20;
                    return x;
                });
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
        await(Duration.ofSeconds(20), this::file, f -> !f.experiments().isEmpty()
                && f.experiments().get(0).variants().get(0).weight() == 80.0);
        assertThat(deployment("retail-recs-blue").getSpec().getTemplate()).isEqualTo(template);
        create(experiment("second", "retail-recs", "retail-recs-v31", "retail-recs-v33"));
        ABExperiment second = await(Duration.ofSeconds(20), () -> abx("second"), e -> e.getStatus() != null
                && Conditions.hasReason(e.getStatus().conditions, Conditions.READY,
                        io.recoflow.operator.core.Reason.ExperimentConflict));
        assertThat(second.getStatus().phase).isEqualTo(ExperimentPhase.Pending);
        awaitEvent("second", "Warning", "ExperimentConflict");

        // a promotion while the experiment runs waits for it: no canary takes the experiment's users
        promote("retail-recs-v33");
        awaitEvent("retail-recs", "Normal", "WaitingForExperiment");
        var rm = rm("retail-recs");
        assertThat(rm.getStatus().candidateVersion).isNull();
        assertThat(rm.getStatus().servingVersion).isEqualTo(31L);
        assertThat(rm.getStatus().experiment).isEqualTo("first");
        assertThat(file().experiments().get(0).name()).isEqualTo(NS + "/first");

        assertThat(rm.getStatus().heldVersion).isEqualTo(33L);

        // the first experiment ends: the held rollout goes ahead, and the second experiment waits for it
        client.resources(ABExperiment.class).inNamespace(NS).withName("first").delete();
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> Long.valueOf(33).equals(r.getStatus().candidateVersion));
        await(Duration.ofSeconds(20), () -> abx("second"), e -> Conditions.hasReason(e.getStatus().conditions,
                Conditions.READY, io.recoflow.operator.core.Reason.WaitingForRollout));
    }

    @Test
    void anMlflowWinnerGetsTheChampionAliasInTheRegistry() throws Exception {
        serving(41);
        // the treatment comes from MLflow: registered model retail-recs, registry version 7
        mlflowSource = Fixtures.artifact(models, 42, 0.33);
        var v42 = Fixtures.version("retail-recs", 42, mlflowSource, Stage.CANDIDATE);
        v42.getSpec().artifact.uri = null;
        v42.getSpec().artifact.mlflow = new io.recoflow.operator.api.spec.MlflowSource();
        v42.getSpec().artifact.mlflow.registeredModel = "retail-recs";
        v42.getSpec().artifact.mlflow.version = "7";
        create(v42);
        await(Duration.ofSeconds(20), () -> mv("retail-recs-v42"), m -> m.getStatus() != null
                && "7".equals(m.getStatus().registryVersion));
        create(experiment("mlflow-winner", "retail-recs", "retail-recs-v41", "retail-recs-v42"));
        awaitSplit("mlflow-winner");
        prom.experiment(NS + "/mlflow-winner", "control", 5000, 900, 250)
                .experiment(NS + "/mlflow-winner", "treatment", 5000, 1100, 400);
        awaitPhase("mlflow-winner", ExperimentPhase.Concluded);
        await(Duration.ofSeconds(20), () -> aliasWrites, w -> !w.isEmpty());
        assertThat(aliasWrites).containsExactly("/api/2.0/mlflow/registered-models/alias "
                + "{\"name\":\"retail-recs\",\"alias\":\"champion\",\"version\":\"7\"}");
        awaitEvent("mlflow-winner", "Normal", "ChampionAliasMoved");
        assertThat(Conditions.get(abx("mlflow-winner").getStatus().conditions, "Promoted").orElseThrow()
                .getMessage()).contains("MLflow retail-recs alias champion now points at version 7");
    }
}
