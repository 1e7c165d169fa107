package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.Cloud;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.placement.ClusterTargetSpec;
import io.recoflow.operator.api.placement.SecretKeyRef;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.spec.PlacementCluster;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ClusterStatus;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.placement.Placed;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.MockCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three fabric8 CRUD mock API servers in one test: the hub (the harness's cluster, where the operator and the custom
 * resources live) and two members, eks-prod and aks-prod, each with its own fake kubelet. The members are
 * registered as ClusterTargets whose Secrets hold their kubeconfigs, as the Pulumi stacks' outputs would.
 */
class MultiClusterTest extends TwoMemberHarness {
    @Test
    void seventyThirtyPlacementServesFromBothMembersWithSplitReplicasAndNothingInTheHub() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(placed(Placement.Order.PARALLEL, 70, 30));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        RecommendationModel rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving && "2/2".equals(r.getStatus().clustersReady)
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));

        assertThat(deployment(eks.client(), "retail-recs-blue").getSpec().getReplicas()).isEqualTo(7);
        assertThat(deployment(aks.client(), "retail-recs-blue").getSpec().getReplicas()).isEqualTo(3);
        var remote = deployment(eks.client(), "retail-recs-blue");
        assertThat(remote.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(remote.getMetadata().getAnnotations()).containsEntry(Placed.PRIMARY_NAME, "retail-recs")
                .containsEntry(Placed.PRIMARY_NAMESPACE, NS);
        assertThat(eks.client().services().inNamespace(NS).withName("retail-recs").get()).isNotNull();
        assertThat(aks.client().configMaps().inNamespace(NS).withName("retail-recs-blue").get()).isNotNull();
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();

        ClusterStatus e = status(rm, "eks-prod");
        assertThat(e.phase).isEqualTo("Serving");
        assertThat(e.servingVersion).isEqualTo(1L);
        assertThat(e.desiredReplicas).isEqualTo(7);
        assertThat(e.weight).isEqualTo(70);
        assertThat(e.effectiveWeight).isEqualTo(70);
        assertThat(e.endpoint).isEqualTo("https://recs.eks-prod.example.com");
        assertThat(status(rm, "aks-prod").readyReplicas).isEqualTo(3);
        await(Duration.ofSeconds(10), this::dnsWeights, w -> w.equals(Map.of("aks-prod", "30", "eks-prod", "70")));
        assertThat(ArgoHealthTest.health(rm).status()).isEqualTo("Healthy");
        assertThat(cluster.requests()).extracting(r -> r.rule())
                .contains("externaldns.k8s.io/dnsendpoints:create", "externaldns.k8s.io/dnsendpoints:watch");
    }

    @Test
    void aMemberThatStopsServingFailsOverAfterTheLimitAndIsRestoredAfterTheHysteresis() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(placed(Placement.Order.PARALLEL, 70, 30));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && "2/2".equals(r.getStatus().clustersReady));

        aks.stop();
        advanceUntil(Duration.ofSeconds(5), Duration.ofSeconds(300), () -> {
            RecommendationModel r = rm("retail-recs");
            return Boolean.TRUE.equals(status(r, "aks-prod").failedOver);
        });
        RecommendationModel rm = rm("retail-recs");
        assertThat(status(rm, "aks-prod").effectiveWeight).isZero();
        assertThat(status(rm, "eks-prod").effectiveWeight).isEqualTo(100);
        assertThat(Conditions.hasReason(rm.getStatus().conditions, Conditions.DEGRADED, Reason.ClusterFailover))
                .isTrue();
        awaitEvent("retail-recs", "Warning", "ClusterFailover");
        await(Duration.ofSeconds(10), this::dnsWeights, w -> w.equals(Map.of("aks-prod", "0", "eks-prod", "100")));
        // eks-prod now takes all the traffic: all 10 replicas
        await(Duration.ofSeconds(10), () -> deployment(eks.client(), "retail-recs-blue").getSpec().getReplicas(),
                n -> n == 10);
        assertThat(ArgoHealthTest.health(rm).status()).isEqualTo("Degraded");

        aks.start();
        await(Duration.ofSeconds(30), () -> reachable("aks-prod"), ok -> ok);
        advanceUntil(Duration.ofSeconds(10), Duration.ofSeconds(600), () -> {
            RecommendationModel r = rm("retail-recs");
            return !Boolean.TRUE.equals(status(r, "aks-prod").failedOver)
                    && Integer.valueOf(30).equals(status(r, "aks-prod").effectiveWeight);
        });
        awaitEvent("retail-recs", "Normal", "ClusterRestored");
        await(Duration.ofSeconds(10), this::dnsWeights, w -> w.equals(Map.of("aks-prod", "30", "eks-prod", "70")));
    }

    @Test
    void parallelCanaryStepsRunOnEveryClusterAtOnceThenServeTheNewVersionEverywhere() throws Exception {
        servingV1WithV2Ready(Placement.Order.PARALLEL, 70, 30);
        promote("retail-recs-v2");
        // step 1 (10 %) on both members together
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut
                && Integer.valueOf(10).equals(r.getStatus().canaryWeight) && r.getStatus().rolloutCluster == null);
        for (KubernetesClient c : List.of(eks.client(), aks.client())) {
            await(Duration.ofSeconds(10), () -> c.configMaps().inNamespace(NS).withName("retail-recs-blue").get()
                    .getData().get("serving.json"), j -> j.contains("\"canaryWeight\" : 10"));
        }
        assertThat(status(rm("retail-recs"), "aks-prod").candidateVersion).isEqualTo(2L);
        advanceUntil(Duration.ofSeconds(10), Duration.ofSeconds(600),
                () -> rm("retail-recs").getStatus().phase == ModelPhase.Serving
                        && Long.valueOf(2).equals(rm("retail-recs").getStatus().servingVersion));
        for (KubernetesClient c : List.of(eks.client(), aks.client())) {
            await(Duration.ofSeconds(10), () -> c.configMaps().inNamespace(NS).withName("retail-recs-blue").get()
                    .getData().get("models.config"), t -> t.contains("versions: 2") && !t.contains("versions: 1"));
        }
    }

    @Test
    void sequentialCanaryThatFailsOnTheFirstClusterNeverReachesTheSecond() throws Exception {
        servingV1WithV2Ready(Placement.Order.SEQUENTIAL, 50, 50);
        eksHealthy = d -> !eks.client().configMaps().inNamespace(NS).withName(d.getMetadata().getName()).get()
                .getData().get("models.config").contains("versions: 2");

        promote("retail-recs-v2");
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut
                && Integer.valueOf(0).equals(r.getStatus().rolloutCluster));
        assertThat(aks.client().configMaps().inNamespace(NS).withName("retail-recs-blue").get().getData()
                .get("models.config")).doesNotContain("versions: 2");

        advanceUntil(Duration.ofSeconds(10), Duration.ofSeconds(400),
                () -> rm("retail-recs").getStatus().phase == ModelPhase.RolledBack);
        RecommendationModel rm = rm("retail-recs");
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        for (KubernetesClient c : List.of(eks.client(), aks.client())) {
            await(Duration.ofSeconds(10), () -> c.configMaps().inNamespace(NS).withName("retail-recs-blue").get()
                    .getData().get("models.config"), t -> !t.contains("versions: 2"));
        }
        assertThat(status(rm, "aks-prod").candidateVersion).isNull();
    }

    @Test
    void sequentialCanaryRunsClusterByClusterThenServesTheNewVersionEverywhere() throws Exception {
        servingV1WithV2Ready(Placement.Order.SEQUENTIAL, 50, 50);
        promote("retail-recs-v2");
        advanceUntil(Duration.ofSeconds(10), Duration.ofSeconds(600), () -> {
            var s = rm("retail-recs").getStatus();
            return s.rolloutCluster != null && s.rolloutCluster == 1;
        });
        // the first cluster already serves v2 alone; the second runs the canary
        await(Duration.ofSeconds(10), () -> eks.client().configMaps().inNamespace(NS).withName("retail-recs-blue")
                .get().getData().get("models.config"), t -> t.contains("versions: 2") && !t.contains("versions: 1"));
        advanceUntil(Duration.ofSeconds(10), Duration.ofSeconds(600),
                () -> rm("retail-recs").getStatus().phase == ModelPhase.Serving
                        && Long.valueOf(2).equals(rm("retail-recs").getStatus().servingVersion));
        await(Duration.ofSeconds(10), () -> aks.client().configMaps().inNamespace(NS).withName("retail-recs-blue")
                .get().getData().get("models.config"), t -> t.contains("versions: 2") && !t.contains("versions: 1"));
    }

    @Test
    void removingAClusterAndDeletingTheModelDeleteTheRemoteObjects() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        create(placed(Placement.Order.PARALLEL, 70, 30));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && "2/2".equals(r.getStatus().clustersReady));

        editModel("retail-recs", r -> r.getSpec().placement.clusters = List.of(cluster("eks-prod", 100)));
        await(Duration.ofSeconds(20), () -> deployment(aks.client(), "retail-recs-blue") == null
                && aks.client().services().inNamespace(NS).withName("retail-recs").get() == null, gone -> gone);
        await(Duration.ofSeconds(20), () -> deployment(eks.client(), "retail-recs-blue"),
                d -> d != null && d.getSpec().getReplicas() == 10);

        client.resources(RecommendationModel.class).inNamespace(NS).withName("retail-recs").delete();
        await(Duration.ofSeconds(20), () -> deployment(eks.client(), "retail-recs-blue") == null
                && eks.client().configMaps().inNamespace(NS).withName("retail-recs-blue").get() == null
                && rm("retail-recs") == null, gone -> gone);
    }

    @Test
    void aPlacementNamingAnUnknownClusterIsFlaggedWhileTheOtherKeepsServing() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        RecommendationModel bad = placed(Placement.Order.PARALLEL, 70, 30);
        bad.getSpec().placement.clusters = List.of(cluster("eks-prod", 70), cluster("gke-nowhere", 30));
        create(bad);
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        RecommendationModel rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().clusters != null && "Serving".equals(status(r, "eks-prod").phase)
                && Conditions.hasReason(r.getStatus().conditions, Conditions.READY, Reason.ClusterNotUsable));
        assertThat(Conditions.get(rm.getStatus().conditions, Conditions.READY).orElseThrow().getMessage())
                .contains("gke-nowhere");
        assertThat(status(rm, "gke-nowhere").phase).isEqualTo("Pending");
        assertThat(deployment(eks.client(), "retail-recs-blue")).isNotNull();
    }
}
