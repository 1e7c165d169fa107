package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.placement.TargetStatus;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.testing.ApiRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, checked both ways over one lifecycle that exercises every kind of write the operator makes:
 * everything it sends is granted by operator/deploy/operator.yaml (the harness checks that after every scenario),
 * and everything the ClusterRole grants is used. The leader-election Role is exercised by
 * {@link LeaderElectionProcessTest}, since this in-process operator runs without leader election.
 */
class RbacTest extends OperatorHarness {
    static final Set<String> LEASE_GRANTS = Set.of("coordination.k8s.io/leases:get",
            "coordination.k8s.io/leases:create", "coordination.k8s.io/leases:update",
            "coordination.k8s.io/leases:patch");

    @Test
    void aWholeLifecycleUsesEveryGrantOfTheClusterRoleAndNothingElse() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.32);
        Fixtures.artifact(models, 3, 0.34);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 600));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        create(Fixtures.version("retail-recs", 3, base, Stage.CANDIDATE));
        awaitServing(1);

        // a member cluster (the hub itself, through a kubeconfig in a Secret): read, probed, its status written
        client.secrets().inNamespace(Settings.DEPLOY_NAMESPACE).resource(new io.fabric8.kubernetes.api.model
                .SecretBuilder().withNewMetadata().withName("cluster-self").endMetadata()
                .addToStringData("kubeconfig", cluster.kubeconfig()).build()).create();
        client.resource(ClusterTargetTest.target("self", Settings.DEPLOY_NAMESPACE, "cluster-self")).create();
        await(Duration.ofSeconds(30), () -> client.resources(ClusterTarget.class).withName("self").get(),
                t -> t.getStatus() != null && Conditions.isTrue(t.getStatus().conditions, TargetStatus.REACHABLE));

        // canary: the slot's ConfigMap and Deployment are updated step by step
        promote("retail-recs-v2");
        advanceUntil(Duration.ofSeconds(2), Duration.ofSeconds(600), () -> isServing(rm("retail-recs"), 2));

        // blue-green: green comes up, the Service and HPA move to it, blue's Deployment and ConfigMap go
        editModel("retail-recs", r -> {
            r.getSpec().rollout.strategy = Strategy.BLUE_GREEN;
            r.getSpec().rollout.steps = null;
        });
        promote("retail-recs-v3");
        awaitServing(3);
        assertThat(rm("retail-recs").getStatus().activeSlot).isEqualTo("green");
        await(Duration.ofSeconds(30), () -> deployment("retail-recs-blue") == null, gone -> gone);

        // autoscaling on -> off: the HPA is deleted, the Deployment gets fixed replicas
        editModel("retail-recs", r -> {
            r.getSpec().autoscaling = null;
            r.getSpec().replicas = 3;
        });
        await(Duration.ofSeconds(30), () -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS)
                .withName("retail-recs").get() == null, gone -> gone);
        await(Duration.ofSeconds(30), () -> deployment("retail-recs-green"), d -> d.getSpec().getReplicas() == 3);

        // an owned object deleted by hand comes back
        String serviceUid = client.services().inNamespace(NS).withName("retail-recs").get().getMetadata().getUid();
        client.services().inNamespace(NS).withName("retail-recs").delete();
        await(Duration.ofSeconds(30), () -> client.services().inNamespace(NS).withName("retail-recs").get(),
                s -> s != null && !s.getMetadata().getUid().equals(serviceUid));

        // the same invalid edit twice: the second Warning bumps the first Event's count
        for (int i = 0; i < 2; i++) {
            var invalid = editModel("retail-recs", r -> r.getSpec().rollout.steps = List.of(new CanaryStep(50, 0)));
            await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> invalid.getMetadata().getGeneration()
                    .equals(r.getStatus().observedGeneration)
                    && Conditions.hasReason(r.getStatus().conditions, Conditions.READY, Reason.InvalidSpec));
            var valid = editModel("retail-recs", r -> r.getSpec().rollout.steps = null);
            await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> valid.getMetadata().getGeneration()
                    .equals(r.getStatus().observedGeneration)
                    && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        }
        List<Event> invalidEvents = await(Duration.ofSeconds(30), () -> events("retail-recs").stream()
                .filter(e -> "InvalidSpec".equals(e.getReason())).toList(),
                l -> l.size() == 1 && Integer.valueOf(2).equals(l.get(0).getCount()));
        assertThat(invalidEvents.get(0).getType()).isEqualTo("Warning");

        // an experiment: watched, its status written (no Prometheus here: it says it cannot count)
        client.resource(ExperimentTest.experiment("ab", "retail-recs", "retail-recs-v2", "retail-recs-v3"))
                .inNamespace(NS).create();
        await(Duration.ofSeconds(30), () -> client.resources(io.recoflow.operator.api.experiment.ABExperiment.class)
                .inNamespace(NS).withName("ab").get(), x -> x.getStatus() != null && x.getStatus().conditions != null
                && !x.getStatus().conditions.isEmpty());

        // a training schedule: its Jobs created and pruned, their pods read, a challenger's ModelVersion and
        // experiment created
        try (var runner = new io.recoflow.operator.testing.FakeJobRunner(client).runs(j -> new
                io.recoflow.operator.testing.FakeJobRunner.Exit(0, TrainingTest.result("registered",
                        TrainingTest.version(j), 0.02, "ok"))).start(100)) {
            var ts = TrainingTest.schedule("hourly", "@hourly");
            ts.getSpec().historyLimit = 1;
            ts.getSpec().onSuccess = io.recoflow.operator.api.training.TrainingScheduleSpec.OnSuccess.EXPERIMENT;
            ts.getSpec().experiment = new io.recoflow.operator.api.training.TrainingScheduleSpec.ExperimentTemplate();
            client.resource(ts).inNamespace(NS).create();
            var schedules = client.resources(io.recoflow.operator.api.training.TrainingSchedule.class).inNamespace(NS);
            await(Duration.ofSeconds(30), () -> schedules.withName("hourly").get(), t -> t.getStatus() != null
                    && t.getStatus().nextRun != null);
            for (int run = 0; run < 2; run++) {
                String before = schedules.withName("hourly").get().getStatus().lastRun == null ? ""
                        : schedules.withName("hourly").get().getStatus().lastRun.job;
                clock.advance(Duration.ofHours(1));
                await(Duration.ofSeconds(30), () -> schedules.withName("hourly").get(), t -> t.getStatus().lastRun
                        != null && !t.getStatus().lastRun.job.equals(before)
                        && "Registered".equals(t.getStatus().lastRun.result));
            }
            await(Duration.ofSeconds(30), () -> client.batch().v1().jobs().inNamespace(NS).list().getItems(),
                    l -> l.size() == 1);
        }

        // a budget: watched, its status written (its source answers nothing here: Unknown, no action)
        client.resource(BudgetTest.budget("monthly", "http://127.0.0.1:1", 500)).inNamespace(NS).create();
        await(Duration.ofSeconds(30), () -> client.resources(io.recoflow.operator.api.budget.CloudCostBudget.class)
                .inNamespace(NS).withName("monthly").get(), b -> b.getStatus() != null
                && b.getStatus().conditions != null && !b.getStatus().conditions.isEmpty());

        // a feature pipeline in strimzi mode where KEDA is installed: KafkaTopics and a ScaledObject written, then
        // changed, then the sink and the autoscaler removed, then the pipeline deleted with its KafkaTopics
        for (String crd : List.of("keda/keda.sh_scaledobjects.yaml", "strimzi/043-Crd-kafkatopic.yaml")) {
            client.apiextensions().v1().customResourceDefinitions().load(java.nio.file.Files.newInputStream(
                    REPO.resolve("../shared/crds/third-party").resolve(crd))).create();
        }
        var fp = PipelineTest.pipeline("events", "127.0.0.1:1", 1);
        fp.getSpec().kafka.topicManagement = io.recoflow.operator.api.pipeline.FeaturePipelineSpec.TopicManagement
                .STRIMZI;
        fp.getSpec().kafka.strimziCluster = "events";
        fp.getSpec().deletionPolicy = io.recoflow.operator.api.pipeline.FeaturePipelineSpec.DeletionPolicy.DELETE;
        fp.getSpec().worker = PipelineTest.lagScaled(20);
        fp.getSpec().sink = new io.recoflow.operator.api.pipeline.FeaturePipelineSpec.Sink();
        fp.getSpec().sink.targets = List.of("s3://lake/events");
        client.resource(fp).inNamespace(NS).create();
        var pipelines = client.resources(io.recoflow.operator.api.pipeline.FeaturePipeline.class).inNamespace(NS);
        var scaled = client.genericKubernetesResources(io.recoflow.operator.pipeline.ScalerRenderer.KEDA)
                .inNamespace(NS);
        var topics = client.genericKubernetesResources(io.recoflow.operator.pipeline.StrimziRenderer.CONTEXT)
                .inNamespace(NS);
        await(Duration.ofSeconds(30), () -> scaled.withName("events-worker").get() != null
                && topics.withName("events-events").get() != null
                && client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("events-sink").get() != null,
                ok -> ok);
        pipelines.withName("events").edit(p -> {
            p.getSpec().kafka.topics.events.partitions = 8;
            return p;
        });
        await(Duration.ofSeconds(30), () -> topics.withName("events-events").get().getAdditionalProperties()
                .get("spec").toString(), spec -> spec.contains("partitions=8"));
        pipelines.withName("events").edit(p -> {
            p.getSpec().sink = null;
            p.getSpec().worker = null;
            return p;
        });
        await(Duration.ofSeconds(30), () -> scaled.withName("events-worker").get() == null
                && deployment("events-sink") == null, ok -> ok);
        pipelines.withName("events").delete();
        await(Duration.ofSeconds(30), () -> topics.list().getItems().isEmpty() && pipelines.withName("events")
                .get() == null, ok -> ok);

        // the model goes: its versions say so
        client.resources(RecommendationModel.class).inNamespace(NS).withName("retail-recs").delete();
        await(Duration.ofSeconds(30), () -> mv("retail-recs-v3"), m -> m.getStatus().phase == VersionPhase.Pending);

        List<ApiRequest> calls = cluster.requests();
        assertThat(rbac.denied(calls)).as("requests operator/deploy/operator.yaml does not allow").isEmpty();
        Set<String> unused = new TreeSet<>(rbac.unused(calls));
        unused.removeAll(LEASE_GRANTS);
        // used where this single-cluster lifecycle cannot go: MultiClusterTest writes the DNSEndpoint (and checks
        // that it did); JOSDK reads the model back only when its finalizer patch conflicts
        unused.removeAll(PLACEMENT_GRANTS);
        // trainer.engine spark needs the Spark operator's CRD: TrainingTest installs it and checks these calls
        unused.removeAll(SPARK_GRANTS);
        // JOSDK reads a pipeline back only when its finalizer patch conflicts; PipelineTest's KEDA-less case
        // creates the HPA (and its harness checks that every call was allowed)
        unused.removeAll(Set.of("recoflow.io/featurepipelines:get"));
        // a PodDisruptionBudget's rendering follows no spec field: it is updated only when an operator upgrade
        // renders it differently
        unused.removeAll(Set.of("policy/poddisruptionbudgets:update"));
        assertThat(unused).as("grants of operator/deploy/operator.yaml the operator never used").isEmpty();
        assertThat(rbac.grants()).containsAll(LEASE_GRANTS);
    }

    static final Set<String> SPARK_GRANTS = Set.of("sparkoperator.k8s.io/sparkapplications:create",
            "sparkoperator.k8s.io/sparkapplications:list", "sparkoperator.k8s.io/sparkapplications:delete");

    static final Set<String> PLACEMENT_GRANTS = Set.of("externaldns.k8s.io/dnsendpoints:create",
            "externaldns.k8s.io/dnsendpoints:list", "externaldns.k8s.io/dnsendpoints:update",
            "externaldns.k8s.io/dnsendpoints:watch", "recoflow.io/recommendationmodels:get");

    private void awaitServing(long version) {
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> isServing(r, version)
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
    }

    private static boolean isServing(RecommendationModel r, long version) {
        return r.getStatus() != null && r.getStatus().phase == ModelPhase.Serving
                && Long.valueOf(version).equals(r.getStatus().servingVersion);
    }
}
