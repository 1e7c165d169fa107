package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.recoflow.operator.api.placement.Cloud;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.placement.ClusterTargetSpec;
import io.recoflow.operator.api.placement.SecretKeyRef;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.placement.TargetStatus;
import io.recoflow.operator.testing.ApiRequest;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.testing.Rbac;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ClusterTargets against a second mock API server standing in for a member cluster: the operator (in the hub)
 * builds a client from the kubeconfig in the ClusterTarget's Secret, probes the member, reports Reachable, and
 * follows the member going down and coming back, its Secret going away, and garbage in it; none of it holds up a
 * RecommendationModel in the hub.
 */
class ClusterTargetTest extends OperatorHarness {
    static final String OPS = Settings.DEPLOY_NAMESPACE;
    /** TEST-NET-1 (RFC 5737): never routed, so connecting fails at once or times out. */
    static final String DEAD = "https://192.0.2.1:6443";

    MockCluster member;

    @BeforeEach
    void startMember() {
        member = new MockCluster();
        member.version("v1.31.2-eks-1234");
        cluster.namespace(OPS);
    }

    @AfterEach
    void stopMember() throws Exception {
        List<ApiRequest> calls = member.requests();
        member.close();
        // what the hub sent the member must be what operator/deploy/member-rbac.yaml grants the hub there
        assertThat(Rbac.load(client, REPO.resolve("operator/deploy/member-rbac.yaml")).denied(calls))
                .as("requests to the member that member-rbac.yaml does not allow").isEmpty();
    }

    @Test
    void aMemberIsReachableGoesDownAndComesBackAndItsClientFollowsItsSecret() {
        secret("eks-prod-kubeconfig", member.kubeconfig());
        client.resource(target("eks-prod", OPS, "eks-prod-kubeconfig")).create();
        ClusterTarget up = awaitReachable("eks-prod", "True", "Reachable");
        assertThat(up.getStatus().kubernetesVersion).isEqualTo("v1.31.2-eks-1234");
        assertThat(up.getStatus().lastProbeTime).isEqualTo(clock.instant().toString());
        assertThat(up.getStatus().observedGeneration).isEqualTo(up.getMetadata().getGeneration());
        assertThat(reachable(up).getMessage()).isEqualTo("API server " + member.url()
                + " answered: Kubernetes v1.31.2-eks-1234");
        awaitTargetEvent("eks-prod", "Normal", "Reachable");
        assertThat(members.client("eks-prod")).isPresent();
        assertThat(members.reachable("eks-prod")).isTrue();
        assertThat(members.endpoint("eks-prod")).isEqualTo("https://recs.eks-prod.example.com");

        // steady state: the member is probed every interval, the hub sees no write until the report is due
        cluster.clearRequests();
        member.clearRequests();
        await(Duration.ofSeconds(30), () -> member.requests().size(), n -> n >= 4);
        assertThat(member.requests()).extracting(ApiRequest::rule).containsOnly("/version:get");
        assertThat(cluster.requests()).as("hub requests while nothing changes (watches aside)")
                .filteredOn(r -> !r.verb().equals("watch")).isEmpty();
        clock.advance(TargetStatus.REPORT_EVERY);
        await(Duration.ofSeconds(30), () -> ct("eks-prod"),
                t -> clock.instant().toString().equals(t.getStatus().lastProbeTime));
        assertThat(cluster.requests()).filteredOn(r -> !r.verb().equals("watch")).extracting(ApiRequest::rule)
                .containsOnly("recoflow.io/clustertargets/status:update");

        member.stop();
        ClusterTarget down = awaitReachable("eks-prod", "False", "Unreachable");
        assertThat(reachable(down).getMessage()).startsWith("GET " + member.url() + "version: ");
        assertThat(down.getStatus().kubernetesVersion).as("last known").isEqualTo("v1.31.2-eks-1234");
        awaitTargetEvent("eks-prod", "Warning", "Unreachable");
        assertThat(members.reachable("eks-prod")).isFalse();
        assertThat(members.problem("eks-prod")).isEqualTo(reachable(down).getMessage());

        member.start();
        awaitReachable("eks-prod", "True", "Reachable");
        assertThat(members.reachable("eks-prod")).isTrue();

        // a rotated kubeconfig: a new client; the Secret deleted: no client, a Warning
        var before = members.client("eks-prod").orElseThrow();
        secret("eks-prod-kubeconfig", member.kubeconfig().replace("not-checked-by-the-mock", "rotated"));
        await(Duration.ofSeconds(30), () -> members.client("eks-prod"), c -> c.isPresent() && c.get() != before);
        assertThat(before.getHttpClient().isClosed()).isTrue();
        client.secrets().inNamespace(OPS).withName("eks-prod-kubeconfig").delete();
        ClusterTarget lost = awaitReachable("eks-prod", "False", "SecretNotFound");
        assertThat(reachable(lost).getMessage()).isEqualTo("Secret recoflow-system/eks-prod-kubeconfig not found");
        assertThat(lost.getStatus().kubernetesVersion).isNull();
        awaitTargetEvent("eks-prod", "Warning", "SecretNotFound");
        assertThat(members.client("eks-prod")).isEmpty();

        // the ClusterTarget deleted: forgotten (no finalizer needed)
        secret("eks-prod-kubeconfig", member.kubeconfig());
        awaitReachable("eks-prod", "True", "Reachable");
        var last = members.client("eks-prod").orElseThrow();
        client.resources(ClusterTarget.class).withName("eks-prod").delete();
        await(Duration.ofSeconds(30), () -> members.clusters(), c -> !c.contains("eks-prod"));
        assertThat(last.getHttpClient().isClosed()).isTrue();
        assertThat(members.problem("eks-prod")).isEqualTo("no ClusterTarget named eks-prod");
    }

    @Test
    void aMissingSecretGarbageOrADeadMemberIsReportedAndTheHubKeepsServing() throws Exception {
        client.resource(target("eks-prod", OPS, "not-there")).create();
        secret("aks-prod-kubeconfig", "garbage");
        client.resource(target("aks-prod", OPS, "aks-prod-kubeconfig")).create();
        secret("dead-kubeconfig", member.kubeconfig().replace(member.url().replaceAll("/$", ""), DEAD));
        client.resource(target("dead", OPS, "dead-kubeconfig")).create();
        client.resource(target("elsewhere", NS, "eks-prod-kubeconfig")).create();

        // a model in the hub is not held up by any of them
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));

        assertThat(reachable(awaitReachable("eks-prod", "False", "SecretNotFound")).getMessage())
                .isEqualTo("Secret recoflow-system/not-there not found");
        assertThat(reachable(awaitReachable("aks-prod", "False", "KubeconfigInvalid")).getMessage())
                .startsWith("Secret recoflow-system/aks-prod-kubeconfig key kubeconfig: not a kubeconfig: ");
        assertThat(reachable(awaitReachable("dead", "False", "Unreachable")).getMessage())
                .startsWith("GET " + DEAD + "/version: ");
        assertThat(reachable(awaitReachable("elsewhere", "False", "SecretNotFound")).getMessage())
                .isEqualTo("Secret recs/eks-prod-kubeconfig is not read: the operator reads kubeconfig Secrets "
                        + "only in its own namespace recoflow-system");
        awaitTargetEvent("eks-prod", "Warning", "SecretNotFound");
        awaitTargetEvent("aks-prod", "Warning", "KubeconfigInvalid");
        awaitTargetEvent("dead", "Warning", "Unreachable");
        assertThat(members.client("aks-prod")).isEmpty();
        assertThat(members.problem("aks-prod")).contains("not a kubeconfig");

        // fixed: the Secret's informer wakes the ClusterTargets that name it
        secret("not-there", member.kubeconfig());
        awaitReachable("eks-prod", "True", "Reachable");
        secret("aks-prod-kubeconfig", member.kubeconfig());
        awaitReachable("aks-prod", "True", "Reachable");
        awaitTargetEvent("aks-prod", "Normal", "Reachable");
    }

    @Test
    void aClusterTargetNamedLocalIsIgnored() {
        secret("local-kubeconfig", member.kubeconfig());
        client.resource(target("local", OPS, "local-kubeconfig")).create();
        assertThat(reachable(awaitReachable("local", "False", "InvalidSpec")).getMessage())
                .contains("built-in name of the hub");
        assertThat(members.client(ClusterTarget.LOCAL)).containsSame(cluster.operatorClient());
        assertThat(member.requests()).as("never probed").isEmpty();
    }

    // --- helpers

    static ClusterTarget target(String name, String secretNamespace, String secret) {
        ClusterTarget ct = new ClusterTarget();
        ct.setMetadata(new ObjectMetaBuilder().withName(name).build());
        ClusterTargetSpec s = new ClusterTargetSpec();
        s.cloud = Cloud.AWS;
        s.region = "eu-west-1";
        s.kubeconfigSecretRef = new SecretKeyRef(secretNamespace, secret, null);
        s.endpoint = "https://recs." + name + ".example.com";
        ct.setSpec(s);
        return ct;
    }

    void secret(String name, String kubeconfig) {
        Secret s = new SecretBuilder().withNewMetadata().withName(name).withNamespace(OPS).endMetadata()
                .addToData(SecretKeyRef.DEFAULT_KEY,
                        Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)))
                .build();
        client.secrets().inNamespace(OPS).resource(s).createOr(r -> r.update());
    }

    ClusterTarget ct(String name) {
        return client.resources(ClusterTarget.class).withName(name).get();
    }

    static Condition reachable(ClusterTarget ct) {
        return Conditions.get(ct.getStatus().conditions, TargetStatus.REACHABLE).orElseThrow();
    }

    ClusterTarget awaitReachable(String name, String status, String reason) {
        return await(Duration.ofSeconds(30), () -> ct(name), t -> t != null && t.getStatus() != null
                && Conditions.get(t.getStatus().conditions, TargetStatus.REACHABLE)
                        .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason())).isPresent());
    }

    /** Events about a cluster-scoped object are in the default namespace. */
    void awaitTargetEvent(String name, String type, String reason) {
        await(Duration.ofSeconds(30), () -> client.v1().events().inNamespace("default").list().getItems(),
                (List<Event> l) -> l.stream().anyMatch(e -> name.equals(e.getInvolvedObject().getName())
                        && "ClusterTarget".equals(e.getInvolvedObject().getKind()) && type.equals(e.getType())
                        && reason.equals(e.getReason())));
    }
}
