package io.recoflow.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.testing.ApiRequest;
import io.recoflow.operator.testing.MockCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Member clients from kubeconfigs against a second mock API server: built once, probed, refused when unsafe. */
class MemberClientsTest {
    MockCluster hub;
    MockCluster member;
    MemberClients members;
    final List<String> changes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        hub = new MockCluster();
        member = new MockCluster();
        members = new MemberClients(hub.operatorClient());
        members.onChange(changes::add);
    }

    @AfterEach
    void stop() {
        members.close();
        member.close();
        hub.close();
    }

    @Test
    void localIsTheHubAndNeedsNoClusterTarget() {
        assertThat(members.client(ClusterTarget.LOCAL)).containsSame(hub.operatorClient());
        assertThat(members.reachable(ClusterTarget.LOCAL)).isTrue();
        assertThat(members.problem(ClusterTarget.LOCAL)).isNull();
        assertThat(members.client("eks-prod")).isEmpty();
        assertThat(members.reachable("eks-prod")).isFalse();
        assertThat(members.problem("eks-prod")).isEqualTo("no ClusterTarget named eks-prod");
    }

    @Test
    void aKubeconfigBecomesOneClientProbedAtTheMembersVersionEndpoint() throws Exception {
        member.version("v1.31.2-eks-1234");
        members.connect("eks-prod", member.kubeconfig(), "https://recs.eu.example.com");
        KubernetesClient client = members.client("eks-prod").orElseThrow();
        assertThat(members.reachable("eks-prod")).as("not before a probe").isFalse();
        assertThat(members.problem("eks-prod")).contains("not been probed");
        assertThat(members.endpoint("eks-prod")).isEqualTo("https://recs.eu.example.com");

        MemberClients.Probe probe = members.probe("eks-prod");
        assertThat(probe.ok()).isTrue();
        assertThat(probe.version()).isEqualTo("v1.31.2-eks-1234");
        assertThat(members.reachable("eks-prod")).isTrue();
        assertThat(members.problem("eks-prod")).isNull();
        // the member saw the probe, with the operator's user agent (the hub saw nothing)
        assertThat(member.requests()).extracting(ApiRequest::rule).containsExactly("/version:get");
        assertThat(hub.requests()).isEmpty();

        // the same content again: the same client; only the endpoint is news
        members.connect("eks-prod", member.kubeconfig(), "https://recs2.eu.example.com");
        assertThat(members.client("eks-prod")).containsSame(client);
        assertThat(members.endpoint("eks-prod")).isEqualTo("https://recs2.eu.example.com");
        assertThat(members.reachable("eks-prod")).isTrue();

        // new content: a new client, the old one closed
        members.connect("eks-prod", member.kubeconfig().replace("not-checked-by-the-mock", "rotated-token"),
                "https://recs2.eu.example.com");
        assertThat(members.client("eks-prod").orElseThrow()).isNotSameAs(client);
        assertThat(client.getHttpClient().isClosed()).isTrue();
        assertThat(members.probe("eks-prod").ok()).isTrue();

        KubernetesClient last = members.client("eks-prod").orElseThrow();
        members.remove("eks-prod");
        assertThat(members.client("eks-prod")).isEmpty();
        assertThat(last.getHttpClient().isClosed()).isTrue();
        // connect, reachable, endpoint, rebuilt (not reachable), reachable, removed
        assertThat(changes).containsExactly("eks-prod", "eks-prod", "eks-prod", "eks-prod", "eks-prod",
                "eks-prod");
    }

    @Test
    void aMemberThatGoesAwayIsUnreachableAndComesBackOnTheSameClient() throws Exception {
        members.connect("aks-prod", member.kubeconfig(), null);
        KubernetesClient client = members.client("aks-prod").orElseThrow();
        assertThat(members.probe("aks-prod").ok()).isTrue();

        member.stop();
        long t0 = System.nanoTime();
        MemberClients.Probe down = members.probe("aks-prod");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        assertThat(down.ok()).isFalse();
        assertThat(down.credentialsRejected()).isFalse();
        assertThat(down.error()).startsWith("GET " + member.url() + "version: ");
        assertThat(members.reachable("aks-prod")).isFalse();
        assertThat(members.problem("aks-prod")).isEqualTo(down.error());
        assertThat(members.client("aks-prod")).as("kept: only the network is down").containsSame(client);

        member.start();
        assertThat(members.probe("aks-prod").ok()).isTrue();
        assertThat(members.reachable("aks-prod")).isTrue();
        assertThat(members.client("aks-prod")).containsSame(client);
    }

    @Test
    void refusedCredentialsAreToldApartFromAnUnreachableServer() throws Exception {
        member.fail(r -> r.rule().equals("/version:get"), 401, "Unauthorized");
        members.connect("eks-prod", member.kubeconfig(), null);
        MemberClients.Probe p = members.probe("eks-prod");
        assertThat(p.ok()).isFalse();
        assertThat(p.credentialsRejected()).isTrue();
        assertThat(p.error()).contains("HTTP 401").contains("Unauthorized");
        assertThat(members.reachable("eks-prod")).isFalse();
    }

    @Test
    void aDeadAddressCostsAProbeAtMostTheClientsTimeouts() throws Exception {
        // TEST-NET-1 (RFC 5737): never routed, so the connect either fails at once or times out
        members.connect("gone", member.kubeconfig().replace(member.url().replaceAll("/$", ""),
                "https://192.0.2.1:6443"), null);
        long t0 = System.nanoTime();
        MemberClients.Probe p = members.probe("gone");
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .isLessThan(MemberClients.CONNECT_TIMEOUT.plus(MemberClients.REQUEST_TIMEOUT).plusSeconds(2));
        assertThat(p.ok()).isFalse();
        assertThat(p.error()).startsWith("GET https://192.0.2.1:6443/version: ");
    }

    @Test
    void kubeconfigsThatAreNotInlineOrNotKubeconfigsAreRefused() {
        String good = member.kubeconfig();
        assertRefused("garbage", "not a kubeconfig");
        assertRefused("", "the kubeconfig is empty");
        assertRefused("foo: bar\n", "not a kubeconfig: no clusters or contexts");
        assertRefused(good.replace("current-context: mock", ""), "no current-context");
        assertRefused(good.replace("current-context: mock", "current-context: other"),
                "current-context other is not among its contexts");
        assertRefused(good.replace("server: " + member.url(), "server: localhost:6443"),
                "has no http(s) server URL");
        // the operator's own ServiceAccount token must never be sent to a server named in a Secret
        assertRefused(good.replace("token: not-checked-by-the-mock",
                "tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token"), "refused: tokenFile");
        assertRefused(good.replace("token: not-checked-by-the-mock",
                "exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}"),
                "refused: exec (credential plugins are not run)");
        assertRefused(good.replace("token: not-checked-by-the-mock",
                "client-certificate: /etc/hub.crt\n      client-key: /etc/hub.key"),
                "refused: client-certificate, client-key");
        assertRefused(good.replace("server: " + member.url(), "server: " + member.url()
                + "\n      certificate-authority: /etc/ca.crt"), "refused: certificate-authority");
        assertThat(members.client("eks-prod")).isEmpty();
        assertThat(members.problem("eks-prod")).contains("refused: certificate-authority");
    }

    private void assertRefused(String kubeconfig, String message) {
        assertThatThrownBy(() -> members.connect("eks-prod", kubeconfig, null))
                .isInstanceOf(MemberClients.InvalidKubeconfig.class).hasMessageContaining(message);
    }
}
