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
        assertThat(verbs(role.getRules(), "featurepipelines")).doesNotContain("update", "create");
        assertThat(verbs(role.getRules(), "featurepipelines/status")).containsExactly("update");
        // create only: a TrainingSchedule's challenger (owned by it); never an update of a user's ModelVersion
        assertThat(verbs(role.getRules(), "modelversions")).doesNotContain("update", "patch", "delete");
        assertThat(verbs(role.getRules(), "abexperiments")).containsExactly("list", "watch", "create");
        assertThat(verbs(role.getRules(), "abexperiments/status")).containsExactly("update");
        assertThat(verbs(role.getRules(), "horizontalpodautoscalers")).contains("create", "update", "delete");
        assertThat(verbs(role.getRules(), "events")).contains("create");
        // an informer on ClusterTargets and their status; no finalizer, so no update of the object itself
        assertThat(verbs(role.getRules(), "clustertargets")).containsExactly("list", "watch");
        assertThat(verbs(role.getRules(), "clustertargets/status")).containsExactly("update");
        Role lease = manifest().stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst()
                .orElseThrow();
        // fabric8 7.5.2 renews the lease with PATCH (LeaderElectionProcessTest runs it against this Role)
        assertThat(verbs(lease.getRules(), "leases")).containsExactlyInAnyOrder("get", "create", "update", "patch");
        // member kubeconfigs: read by an informer in the operator's namespace only, never cluster-wide
        List<Role> roles = manifest().stream().filter(Role.class::isInstance).map(Role.class::cast).toList();
        assertThat(roles).allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("recoflow-system"));
        assertThat(roles.stream().flatMap(r -> r.getRules().stream()).filter(r -> r.getResources().contains("secrets"))
                .toList()).singleElement().satisfies(r -> {
                    assertThat(r.getResources()).containsExactly("secrets");
                    assertThat(r.getVerbs()).containsExactly("list", "watch");
                    assertThat(r.getResourceNames()).isNullOrEmpty();
                });
        assertThat(manifest().stream().filter(h -> h instanceof ClusterRole)
                .flatMap(h -> ((ClusterRole) h).getRules().stream()).flatMap(r -> r.getResources().stream()))
                .doesNotContain("secrets", "*");
    }

    /**
     * What the hub may do in a member: the serving objects and pipeline apps it renders there and reads back
     * (list/watch through informers, delete because owner references do not cross clusters), nothing else: no
     * Secrets, Pods, Namespaces, wildcards or non-resource URLs (/version, the probe, is public by default). KEDA's
     * ScaledObjects are read by name, and its CRD is the one thing read that the hub does not write.
     */
    @Test
    void memberRbacGrantsTheHubOnlyTheServingObjects() throws IOException {
        List<HasMetadata> items = Serialization.unmarshal(Files.readString(
                ROOT.resolve("operator/deploy/member-rbac.yaml")));
        List<PolicyRule> rules = items.stream().flatMap(h -> h instanceof ClusterRole c ? c.getRules().stream()
                : h instanceof Role r ? r.getRules().stream() : java.util.stream.Stream.empty()).toList();
        PolicyRule crd = rules.stream().filter(r -> r.getApiGroups().contains("apiextensions.k8s.io")).findFirst()
                .orElseThrow();
        assertThat(crd.getResources()).containsExactly("customresourcedefinitions");
        assertThat(crd.getResourceNames()).containsExactly("scaledobjects.keda.sh");
        assertThat(crd.getVerbs()).containsExactly("get");
        rules = rules.stream().filter(r -> r != crd).toList();
        assertThat(rules).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getNonResourceURLs()).isNullOrEmpty();
            assertThat(r.getResourceNames()).isNullOrEmpty();
            assertThat(r.getApiGroups()).isSubsetOf("", "apps", "autoscaling", "policy", "keda.sh");
            assertThat(r.getVerbs()).isSubsetOf("list", "watch", "create", "update", "delete", "get");
        });
        Map<String, List<String>> granted = new java.util.TreeMap<>();
        for (PolicyRule r : rules) {
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    granted.computeIfAbsent(g + "/" + res, k -> new java.util.ArrayList<>()).addAll(r.getVerbs());
                }
            }
        }
        List<String> all = List.of("list", "watch", "create", "update", "delete");
        assertThat(granted).containsOnlyKeys("apps/deployments", "/services", "/configmaps",
                "autoscaling/horizontalpodautoscalers", "policy/poddisruptionbudgets", "keda.sh/scaledobjects");
        assertThat(granted).allSatisfy((k, v) -> assertThat(v).containsExactlyInAnyOrderElementsOf(
                k.equals("keda.sh/scaledobjects") ? List.of("get", "create", "update", "delete") : all));
        // bound to the hub's identity only
        assertThat(items.stream().filter(h -> h instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding
                || h instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding)).allSatisfy(b -> {
                    var subjects = b instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding crb
                            ? crb.getSubjects()
                            : ((io.fabric8.kubernetes.api.model.rbac.RoleBinding) b).getSubjects();
                    assertThat(subjects).extracting(io.fabric8.kubernetes.api.model.rbac.Subject::getName)
                            .containsOnly("recoflow-hub");
                });
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
        // OLM makes one Role in the install namespace of these: the rules of every Role of the manifest
        List<PolicyRule> roleRules = manifest().stream().filter(Role.class::isInstance).map(Role.class::cast)
                .flatMap(r -> r.getRules().stream()).toList();
        List<Map<String, Object>> nsPerms = (List<Map<String, Object>>) install.get("permissions");
        assertThat(List.of(Serialization.jsonMapper().convertValue(nsPerms.get(0).get("rules"), PolicyRule[].class)))
                .isEqualTo(roleRules);
        List<Map<String, Object>> owned = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                csv().get("spec")).get("customresourcedefinitions")).get("owned");
        assertThat(owned).extracting(o -> (String) o.get("name")).containsExactlyInAnyOrder(
                "recommendationmodels.recoflow.io", "modelversions.recoflow.io", "clustertargets.recoflow.io",
                "abexperiments.recoflow.io", "cloudcostbudgets.recoflow.io", "trainingschedules.recoflow.io",
                "featurepipelines.recoflow.io");
        for (String name : List.of("recommendationmodels", "modelversions", "clustertargets", "abexperiments",
                "cloudcostbudgets", "trainingschedules", "featurepipelines")) {
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
