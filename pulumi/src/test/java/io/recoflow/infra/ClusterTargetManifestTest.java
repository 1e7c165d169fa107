package io.recoflow.infra;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.placement.Cloud;
import io.recoflow.operator.api.placement.ClusterTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.recoflow.infra.StackRun.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clusterTarget and clusterTargetSecret outputs are what the hub is given (`kubectl apply -f -`), for every
 * stack of both clouds: the ClusterTarget is read into the operator's own class with unknown fields refused and
 * comes back out unchanged, and passes the CRD's schema (crds/clustertargets.recoflow.io-v1.yml) the way the API
 * server checks a create: types, required fields, enums, patterns, bounds, no unknown fields. The Secret is the
 * one its kubeconfigSecretRef names and holds a kubeconfig for the stack's API server. Needs operator/api, so it
 * is left out of a standalone build inside pulumi/ (pom.xml, profile standalone).
 */
class ClusterTargetManifestTest {
    static final Path CRD = Path.of("..", "crds", "clustertargets.recoflow.io-v1.yml");
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** What the API server allows next to the schema's own properties at the root of every object. */
    static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");
    /** metadata.name of a cluster-scoped object: a DNS-1123 subdomain. */
    static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

    static CustomResourceDefinition crd;

    @BeforeAll
    static void readTheCrd() throws IOException {
        crd = Serialization.unmarshal(Files.readString(CRD), CustomResourceDefinition.class);
    }

    static Stream<Arguments> stacks() {
        var out = new ArrayList<Arguments>();
        for (var stack : StackRun.STACKS) {
            out.add(Arguments.of(Named.of("aws " + stack, StackRun.aws(stack))));
            out.add(Arguments.of(Named.of("azure " + stack, StackRun.azure(stack))));
        }
        out.add(Arguments.of(Named.of("aws dev with servingEndpoint",
                StackRun.aws("dev", Map.of("servingEndpoint", "https://recs.eks-dev.example.com")))));
        out.add(Arguments.of(Named.of("azure dev with servingEndpoint",
                StackRun.azure("dev", Map.of("servingEndpoint", "http://20.62.1.7:8501")))));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void clusterTargetIsOneTheOperatorReadsUnchanged(StackRun run) {
        var manifest = json(run.outputs().get("clusterTarget"));
        var target = STRICT.convertValue(manifest, ClusterTarget.class);
        assertThat(target.getApiVersion()).isEqualTo(HasMetadata.getApiVersion(ClusterTarget.class));
        assertThat(target.getKind()).isEqualTo(HasMetadata.getKind(ClusterTarget.class));
        assertThat(target.getMetadata().getName()).isEqualTo((run.cloud().equals("aws") ? "eks-" : "aks-") + run.stack());
        assertThat(target.getMetadata().getNamespace()).as("ClusterTarget is cluster-scoped").isNull();
        assertThat(target.getSpec().cloud).isEqualTo(run.cloud().equals("aws") ? Cloud.AWS : Cloud.AZURE);
        assertThat(target.getSpec().costPerCoreHourUSD).isPositive();
        assertThat(target.getSpec().labels).containsEntry("env", run.stack());
        assertThat(target.getStatus()).isNull();
        // nothing dropped or renamed on the way in: the CR class writes the same spec back
        assertThat(json(target.getSpec())).isEqualTo(manifest.get("spec"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void clusterTargetPassesTheCrdSchema(StackRun run) {
        assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(Namespaced.class.isAssignableFrom(ClusterTarget.class)).as("ClusterTarget is cluster-scoped").isFalse();
        var manifest = json(run.outputs().get("clusterTarget"));
        assertThat(manifest.get("apiVersion")).isEqualTo(crd.getSpec().getGroup() + "/" + version().getName());
        assertThat(manifest.get("kind")).isEqualTo(crd.getSpec().getNames().getKind());
        assertThat((String) map(manifest.get("metadata")).get("name")).matches(DNS_SUBDOMAIN).hasSizeLessThanOrEqualTo(253);
        assertThat(violations(manifest)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void secretIsTheOneTheTargetNamesAndHoldsTheStacksKubeconfig(StackRun run) {
        assertThat(run.secretOutputs()).contains("clusterTargetSecret").doesNotContain("clusterTarget");
        var target = STRICT.convertValue(json(run.outputs().get("clusterTarget")), ClusterTarget.class);
        var manifest = json(run.outputs().get("clusterTargetSecret"));
        assertThat(manifest).containsOnlyKeys("apiVersion", "kind", "metadata", "type", "stringData");
        assertThat(map(manifest.get("metadata"))).containsOnlyKeys("name", "namespace");
        var secret = STRICT.convertValue(manifest, Secret.class);
        assertThat(secret.getApiVersion()).isEqualTo("v1");
        assertThat(secret.getKind()).isEqualTo("Secret");
        assertThat(secret.getType()).isEqualTo("Opaque");
        var ref = target.getSpec().kubeconfigSecretRef;
        assertThat(secret.getMetadata().getNamespace()).isEqualTo(ref.namespace).isEqualTo("recoflow-system");
        assertThat(secret.getMetadata().getName()).isEqualTo(ref.name);
        assertThat(secret.getStringData()).containsOnlyKeys(ref.keyOrDefault());
        var kubeconfig = secret.getStringData().get(ref.keyOrDefault());
        assertThat(kubeconfig).isEqualTo(run.outputs().get("kubeconfig"));
        // a kubeconfig whose current context reaches the stack's API server with an exec credential, no token
        var config = Serialization.unmarshal(kubeconfig, Config.class);
        var context = config.getContexts().stream().filter(c -> c.getName().equals(config.getCurrentContext()))
                .findFirst().orElseThrow().getContext();
        var cluster = config.getClusters().stream().filter(c -> c.getName().equals(context.getCluster()))
                .findFirst().orElseThrow().getCluster();
        assertThat(cluster.getServer()).isEqualTo(run.outputs().get("apiServer"));
        var user = config.getUsers().stream().filter(u -> u.getName().equals(context.getUser())).findFirst().orElseThrow();
        assertThat(user.getUser().getExec().getCommand()).isEqualTo(run.cloud().equals("aws") ? "aws" : "kubelogin");
        assertThat(user.getUser().getToken()).isNull();
    }

    /** The schema walk refuses what the API server would, so an empty list above means something. */
    @Test
    void theSchemaCheckRefusesWhatTheApiServerWould() {
        assertThat(violations(edited(s -> s.put("cloud", "gcp")))).containsExactly("spec.cloud: Unsupported value \"gcp\"");
        assertThat(violations(edited(s -> s.put("region", "US East 1")))).singleElement().asString().startsWith("spec.region: must match");
        assertThat(violations(edited(s -> map(s.get("kubeconfigSecretRef")).remove("name"))))
                .containsExactly("spec.kubeconfigSecretRef.name: Required value");
        assertThat(violations(edited(s -> s.remove("kubeconfigSecretRef")))).containsExactly("spec.kubeconfigSecretRef: Required value");
        assertThat(violations(edited(s -> s.put("apiServer", "https://x")))).containsExactly("spec.apiServer: unknown field");
        assertThat(violations(edited(s -> s.put("costPerCoreHourUSD", -0.01)))).singleElement().asString().contains("greater than or equal to 0");
        assertThat(violations(edited(s -> s.put("costPerCoreHourUSD", "0.05")))).containsExactly("spec.costPerCoreHourUSD: must be of type number");
        assertThat(violations(edited(s -> s.put("endpoint", "recs.example.com")))).singleElement().asString().startsWith("spec.endpoint: must match");
        assertThat(violations(edited(s -> s.put("labels", Map.of("tier", 1))))).containsExactly("spec.labels.tier: must be of type string");
        var withStray = json(StackRun.aws("dev").outputs().get("clusterTarget"));
        withStray.put("data", Map.of());
        assertThat(violations(withStray)).containsExactly("data: unknown field");
    }

    private static Map<String, Object> edited(Consumer<Map<String, Object>> editSpec) {
        var manifest = json(StackRun.aws("dev").outputs().get("clusterTarget"));
        editSpec.accept(map(manifest.get("spec")));
        return manifest;
    }

    /** The object as `pulumi stack output --json` prints it and kubectl sends it: plain JSON maps, lists, numbers. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Object value) {
        try {
            return STRICT.readValue(STRICT.writeValueAsString(value), Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion version() {
        return crd.getSpec().getVersions().stream().filter(v -> v.getStorage()).findFirst().orElseThrow();
    }

    static List<String> violations(Map<String, Object> manifest) {
        var out = new ArrayList<String>();
        check("", version().getSchema().getOpenAPIV3Schema(), manifest, out);
        return out;
    }

    /** The structural-schema keywords the CRD uses, with the API server's messages ("path: message"). */
    private static void check(String path, JSONSchemaProps s, Object v, List<String> out) {
        String at = path.isEmpty() ? "" : path + ": ";
        switch (s.getType() == null ? "" : s.getType()) {
            case "object" -> {
                if (!(v instanceof Map<?, ?> m)) {
                    out.add(at + "must be of type object");
                    return;
                }
                for (var req : s.getRequired() == null ? List.<String>of() : s.getRequired()) {
                    if (!m.containsKey(req)) out.add(join(path, req) + ": Required value");
                }
                var props = s.getProperties() == null ? Map.<String, JSONSchemaProps>of() : s.getProperties();
                var additional = s.getAdditionalProperties() == null ? null : s.getAdditionalProperties().getSchema();
                m.forEach((k, x) -> {
                    if (props.containsKey(k)) check(join(path, (String) k), props.get(k), x, out);
                    else if (additional != null) check(join(path, (String) k), additional, x, out);
                    else if (!(path.isEmpty() && ROOT_FIELDS.contains(k))) out.add(join(path, (String) k) + ": unknown field");
                });
            }
            case "array" -> {
                if (!(v instanceof List<?> l)) {
                    out.add(at + "must be of type array");
                    return;
                }
                for (int i = 0; i < l.size(); i++) check(path + "[" + i + "]", s.getItems().getSchema(), l.get(i), out);
            }
            case "string" -> {
                if (!(v instanceof String str)) {
                    out.add(at + "must be of type string");
                    return;
                }
                if (s.getEnum() != null && !s.getEnum().isEmpty() && s.getEnum().stream().noneMatch(e -> e.asText().equals(str))) {
                    out.add(at + "Unsupported value \"" + str + "\"");
                }
                if (s.getPattern() != null && !Pattern.compile(s.getPattern()).matcher(str).find()) {
                    out.add(at + "must match '" + s.getPattern() + "'");
                }
                if (s.getMaxLength() != null && str.length() > s.getMaxLength()) {
                    out.add(at + "may not be more than " + s.getMaxLength() + " characters");
                }
                if (s.getMinLength() != null && str.length() < s.getMinLength()) {
                    out.add(at + "must be at least " + s.getMinLength() + " characters");
                }
            }
            case "number", "integer" -> {
                boolean integral = v instanceof Integer || v instanceof Long;
                if (!(v instanceof Number n) || (s.getType().equals("integer") && !integral)) {
                    out.add(at + "must be of type " + s.getType());
                    return;
                }
                if (s.getMinimum() != null && n.doubleValue() < s.getMinimum()) {
                    out.add(at + "should be greater than or equal to " + s.getMinimum());
                }
                if (s.getMaximum() != null && n.doubleValue() > s.getMaximum()) {
                    out.add(at + "should be less than or equal to " + s.getMaximum());
                }
            }
            case "boolean" -> {
                if (!(v instanceof Boolean)) out.add(at + "must be of type boolean");
            }
            default -> throw new IllegalStateException(path + ": schema type '" + s.getType() + "' is not checked here");
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
