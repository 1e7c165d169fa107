package io.recoflow.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cross-field rules the API server enforces (and the operator's SpecValidator mirrors). */
class CelRulesTest {

    @Test
    void recommendationModelHasCrossFieldRules() throws IOException {
        JSONSchemaProps spec = spec("recommendationmodels.recoflow.io-v1.yml");
        assertThat(rules(spec)).containsExactlyInAnyOrder(
                "self.runtime != 'embedded' || has(self.image)",
                "!(has(self.replicas) && has(self.autoscaling))");
        JSONSchemaProps autoscaling = spec.getProperties().get("autoscaling");
        assertThat(rules(autoscaling)).contains("self.minReplicas <= self.maxReplicas",
                "has(self.targetCPUUtilization) || has(self.targetRPS)");
        assertThat(autoscaling.getRequired()).containsExactlyInAnyOrder("minReplicas", "maxReplicas");
        JSONSchemaProps rollout = spec.getProperties().get("rollout");
        assertThat(rules(rollout)).anyMatch(r -> r.contains("isSorted()") && r.contains("size(self.steps.filter"));
        assertThat(rules(rollout)).anyMatch(r -> r.contains("canary") && r.contains("size(self.steps) > 0"));
        JSONSchemaProps step = rollout.getProperties().get("steps").getItems().getSchema();
        assertThat(step.getProperties().get("weight").getMinimum()).isEqualTo(0.0);
        assertThat(step.getProperties().get("weight").getMaximum()).isEqualTo(100.0);
        assertThat(rollout.getProperties().get("strategy").getEnum()).extracting(Object::toString)
                .containsExactlyInAnyOrder("\"canary\"", "\"blue-green\"");
        assertThat(rules(spec.getProperties().get("placement")))
                .contains("self.clusters.map(c, c.weight).sum() == 100");
        assertThat(spec.getProperties().get("runtime").getEnum()).hasSize(2);
        assertThat(spec.getRequired()).contains("model");
    }

    @Test
    void modelVersionHasArtifactAndImmutabilityRules() throws IOException {
        JSONSchemaProps spec = spec("modelversions.recoflow.io-v1.yml");
        JSONSchemaProps artifact = spec.getProperties().get("artifact");
        assertThat(rules(artifact)).containsExactly("has(self.mlflow) != has(self.uri)");
        assertThat(rules(artifact.getProperties().get("mlflow"))).containsExactly("has(self.version) != has(self.alias)");
        assertThat(artifact.getProperties().get("uri").getPattern()).isEqualTo("^(s3|abfss|file)://.+$");
        assertThat(rules(spec.getProperties().get("modelRef"))).containsExactly("self == oldSelf");
        assertThat(rules(spec.getProperties().get("version"))).containsExactly("self == oldSelf");
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("modelRef", "version", "artifact");
        assertThat(spec.getProperties().get("stage").getEnum()).hasSize(3);
    }

    @Test
    void printerColumnsAnswerWhatIsServingAndIsItHealthy() throws IOException {
        assertThat(columns("recommendationmodels.recoflow.io-v1.yml"))
                .containsKeys("Runtime", "Serving", "Candidate", "Weight", "Phase", "Ready", "Age")
                .containsEntry("Ready", ".status.conditions[?(@.type==\"Ready\")].status");
        assertThat(columns("modelversions.recoflow.io-v1.yml"))
                .containsKeys("Model", "Version", "Stage", "Phase", "Age");
        assertThat(crd("recommendationmodels.recoflow.io-v1.yml").getSpec().getNames().getShortNames())
                .containsExactly("rm");
        assertThat(crd("modelversions.recoflow.io-v1.yml").getSpec().getNames().getShortNames())
                .containsExactly("mv");
    }

    private static Map<String, String> columns(String file) throws IOException {
        return crd(file).getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                .collect(java.util.stream.Collectors.toMap(c -> c.getName(), c -> c.getJsonPath()));
    }

    private static List<String> rules(JSONSchemaProps p) {
        return p.getXKubernetesValidations() == null ? List.of()
                : p.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList();
    }

    private static JSONSchemaProps spec(String file) throws IOException {
        var version = crd(file).getSpec().getVersions().get(0);
        assertThat(version.getSubresources().getStatus()).isNotNull();
        return version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    private static CustomResourceDefinition crd(String file) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("../../crds").resolve(file))) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
    }
}
