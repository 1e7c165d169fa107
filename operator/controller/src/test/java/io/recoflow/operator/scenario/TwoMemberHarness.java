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

/** The hub plus two member clusters, eks-prod (AWS) and aks-prod (Azure), each a mock with its own fake kubelet. */
abstract class TwoMemberHarness extends OperatorHarness {
    static final Path EXTERNAL_DNS = REPO.resolve("../shared/crds/third-party/external-dns");

    MockCluster eks;
    MockCluster aks;
    FakeKubelet eksKubelet;
    FakeKubelet aksKubelet;
    volatile Predicate<Deployment> eksHealthy = d -> true;

    @Override
    Settings settings() {
        return Settings.forTests().withProbeInterval(Duration.ofMillis(300));
    }

    @BeforeEach
    void members() throws Exception {
        cluster.namespace(Settings.DEPLOY_NAMESPACE);
        cluster.applyCrds(EXTERNAL_DNS);
        eks = member("eks-prod", Cloud.AWS, "eu-west-1");
        aks = member("aks-prod", Cloud.AZURE, "westeurope");
        eksKubelet = new FakeKubelet(eks.client()).healthyWhen(d -> eksHealthy.test(d)).start(100);
        aksKubelet = new FakeKubelet(aks.client()).start(100);
        await(Duration.ofSeconds(20), () -> reachable("eks-prod") && reachable("aks-prod"), ok -> ok);
    }

    @AfterEach
    void stopMembers() {
        eksKubelet.close();
        aksKubelet.close();
        eks.close();
        aks.close();
    }

    MockCluster member(String name, Cloud cloud, String region) {
        MockCluster m = new MockCluster();
        m.namespace(NS);
        client.resource(new SecretBuilder().withNewMetadata().withName("cluster-" + name)
                .withNamespace(Settings.DEPLOY_NAMESPACE).endMetadata()
                .withStringData(Map.of("kubeconfig", m.kubeconfig())).build()).create();
        ClusterTarget ct = new ClusterTarget();
        ct.setMetadata(new ObjectMetaBuilder().withName(name).build());
        ct.setSpec(new ClusterTargetSpec());
        ct.getSpec().cloud = cloud;
        ct.getSpec().region = region;
        ct.getSpec().kubeconfigSecretRef = new SecretKeyRef(Settings.DEPLOY_NAMESPACE, "cluster-" + name, null);
        ct.getSpec().endpoint = "https://recs." + name + ".example.com";
        client.resource(ct).create();
        return m;
    }

    boolean reachable(String name) {
        ClusterTarget ct = client.resources(ClusterTarget.class).withName(name).get();
        return ct != null && ct.getStatus() != null && Conditions.isTrue(ct.getStatus().conditions, "Reachable");
    }

    RecommendationModel placed(Placement.Order order, int eksWeight, int aksWeight) {
        RecommendationModel rm = Fixtures.model("retail-recs", Strategy.CANARY, 60);
        rm.getSpec().autoscaling = null;
        rm.getSpec().replicas = 10;
        rm.getSpec().placement = new Placement();
        rm.getSpec().placement.rollout = order;
        rm.getSpec().placement.clusters = List.of(cluster("eks-prod", eksWeight), cluster("aks-prod", aksWeight));
        rm.getSpec().placement.dns = new Placement.Dns();
        rm.getSpec().placement.dns.hostname = "recs.shop.example.com";
        return rm;
    }

    static PlacementCluster cluster(String name, int weight) {
        PlacementCluster c = new PlacementCluster();
        c.name = name;
        c.weight = weight;
        return c;
    }

    static Deployment deployment(KubernetesClient c, String name) {
        return c.apps().deployments().inNamespace(NS).withName(name).get();
    }

    static ClusterStatus status(RecommendationModel rm, String cluster) {
        return rm.getStatus().clusters.stream().filter(c -> c.name.equals(cluster)).findFirst().orElseThrow();
    }

    Map<String, String> dnsWeights() {
        GenericKubernetesResource dns = client.genericKubernetesResources("externaldns.k8s.io/v1alpha1", "DNSEndpoint")
                .inNamespace(NS).withName("retail-recs").get();
        if (dns == null) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) ((Map<String, Object>) dns
                .getAdditionalProperties().get("spec")).get("endpoints");
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map<String, Object> e : endpoints) {
            @SuppressWarnings("unchecked")
            var ps = (List<Map<String, String>>) e.get("providerSpecific");
            out.put((String) e.get("setIdentifier"), ps.get(0).get("value"));
        }
        return out;
    }

    /** v1 serving on both members, v2 resolved and ready to promote. */
    void servingV1WithV2Ready(Placement.Order order, int eksWeight, int aksWeight) throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.34);
        create(placed(order, eksWeight, aksWeight));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && "2/2".equals(r.getStatus().clustersReady) && r.getStatus().phase == ModelPhase.Serving);
        await(Duration.ofSeconds(10), () -> mv("retail-recs-v2"), m -> m.getStatus() != null
                && m.getStatus().phase == io.recoflow.operator.api.status.VersionPhase.Ready);
    }

}
