package io.recoflow.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real-cluster manifest and the OLM bundle say the same thing, and grant only what the operator uses. */
class DeployManifestTest {
    static final Path ROOT = Path.of(System.getProperty("recoflow.repo.root", "../.."));

    static List<HasMetadata> manifest() throws IOException {
        return Serialization.unmarshal(Files.readString(ROOT.resolve("operator/deploy/operator.yaml")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> csv() throws IOException {
        return Serialization.unmarshal(Files.readString(
                ROOT.resolve("olm/manifests/recoflow-operator.clusterserviceversion.yaml")), Map.class);
    }

    @Test
    void clusterRoleIsLeastPrivilegeAndCoversWhatTheOperatorWrites() throws IOException {
        ClusterRole role = manifest().stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .findFirst().orElseThrow();
        assertThat(role.getRules()).allSatisfy(r -> {
            assertThat(r.getVerbs()).doesNotContain("*", "deletecollection", "escalate", "bind", "impersonate");
            assertThat(r.getResources()).doesNotContain("*", "secrets");
        });
        assertThat(verbs(role.getRules(), "deployments")).contains("list", "watch", "create", "update", "delete");
        // status is written by StatusWriter with an optimistic-locking update, never patched
        assertThat(verbs(role.getRules(), "recommendationmodels/status")).containsExactly("update");
        assertThat(verbs(role.getRules(), "services")).doesNotContain("delete", "get");
        // patch only for the cleanup finalizer; the operator never writes a spec (no update, no create)
        assertThat(verbs(role.getRules(), "recommendationmodels")).doesNotContain("update", "create");
        assertThat(verbs(role.getRules(), "modelversions")).doesNotContain("update", "create", "patch");
        assertThat(verbs(role.getRules(), "horizontalpodautoscalers")).contains("create", "update", "delete");
        assertThat(verbs(role.getRules(), "events")).contains("create");
        Role lease = manifest().stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst()
                .orElseThrow();
        // fabric8 7.5.2 renews the lease with PATCH (LeaderElectionProcessTest runs it against this Role)
        assertThat(verbs(lease.getRules(), "leases")).containsExactlyInAnyOrder("get", "create", "update", "patch");
    }

    @Test
    void operatorDeploymentIsRestrictedAndProbed() throws IOException {
        Deployment d = manifest().stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
        var pod = d.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(c.getEnv()).anyMatch(e -> "RECOFLOW_LEADER_ELECTION".equals(e.getName())
                && "true".equals(e.getValue()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void olmBundleMatchesTheManifestAndTheCrds() throws IOException {
        ClusterRole role = manifest().stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .findFirst().orElseThrow();
        Map<String, Object> install = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) csv()
                .get("spec")).get("install")).get("spec");
        List<Map<String, Object>> perms = (List<Map<String, Object>>) install.get("clusterPermissions");
        List<PolicyRule> csvRules = List.of(Serialization.jsonMapper().convertValue(perms.get(0).get("rules"),
                PolicyRule[].class));
        assertThat(csvRules).isEqualTo(role.getRules());
        Role lease = manifest().stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst()
                .orElseThrow();
        List<Map<String, Object>> nsPerms = (List<Map<String, Object>>) install.get("permissions");
        assertThat(List.of(Serialization.jsonMapper().convertValue(nsPerms.get(0).get("rules"), PolicyRule[].class)))
                .isEqualTo(lease.getRules());
        for (String name : List.of("recommendationmodels", "modelversions")) {
            assertThat(Files.readString(ROOT.resolve("olm/manifests/" + name + ".recoflow.io.crd.yaml")))
                    .as("olm/manifests is stale: cp crds/" + name + ".recoflow.io-v1.yml olm/manifests/" + name
                            + ".recoflow.io.crd.yaml")
                    .isEqualTo(Files.readString(ROOT.resolve("crds/" + name + ".recoflow.io-v1.yml")));
        }
        assertThat(Files.readString(ROOT.resolve("olm/metadata/annotations.yaml")))
                .contains("operators.operatorframework.io.bundle.package.v1: recoflow-operator");
    }

    private static List<String> verbs(List<PolicyRule> rules, String resource) {
        return rules.stream().filter(r -> r.getResources().contains(resource)).flatMap(r -> r.getVerbs().stream())
                .toList();
    }
}
