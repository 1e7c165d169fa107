package io.recoflow.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.training.SparkRenderer;
import io.recoflow.operator.training.SparkRendererTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered SparkApplication against the Kubeflow Spark operator's own CRD (v2.5.2, ../shared/crds/third-party):
 * what the API server would accept from the operator, not what our renderer test believes the schema to be.
 */
class SparkApplicationCrdTest {
    static final Path CRD = CrdRulesEvaluationTest.ROOT
            .resolve("../shared/crds/third-party/spark-operator/sparkoperator.k8s.io_sparkapplications.yaml");

    static CrdValidator spark;

    @BeforeAll
    static void load() throws IOException {
        spark = CrdValidator.load(CRD);
    }

    /**
     * The object with its metadata emptied: the API server validates metadata as ObjectMeta whatever the CRD says,
     * while this CRD declares a bare (required) {@code metadata: {type: object}} that CrdValidator would walk as a
     * schema without properties. SparkRendererTest checks the metadata.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(GenericKubernetesResource r) {
        Map<String, Object> m = Serialization.unmarshal(Serialization.asJson(r), Map.class);
        m.put("metadata", Map.of());
        return m;
    }

    @Test
    void defaultRunIsAccepted() {
        TrainingSchedule ts = SparkRendererTest.schedule();
        assertThat(spark.validate(json(SparkRenderer.render(ts, "retail-nightly-1", 1, "retail-recs")), null))
                .isEmpty();
    }

    @Test
    void everyOptionSetIsAccepted() {
        TrainingSchedule ts = SparkRendererTest.schedule();
        TrainingScheduleSpec s = ts.getSpec();
        s.trainer.resources = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("1500m"))
                .addToRequests("memory", new Quantity("6Gi")).addToLimits("cpu", new Quantity("2")).build();
        s.trainer.args = List.of("--split", "temporal:2011-11-01,2011-11-01", "--k", "20");
        s.gate = new TrainingScheduleSpec.Gate();
        s.gate.minNdcgGain = 0.01;
        s.trainer.spark.executors = 16;
        s.trainer.spark.executorMemory = "8g";
        s.trainer.spark.sparkVersion = "3.5.6";
        s.trainer.spark.serviceAccount = "spark-retrain";
        assertThat(spark.validate(json(SparkRenderer.render(ts, "retail-nightly-2", 2, "retail-recs")), null))
                .isEmpty();
    }

    /** The validator really checks this schema: a wrong field or type in the rendering would not pass silently. */
    @Test
    @SuppressWarnings("unchecked")
    void schemaViolationsAreSeen() {
        Map<String, Object> obj = json(SparkRenderer.render(SparkRendererTest.schedule(), "r-1", 1, "m"));
        Map<String, Object> spec = (Map<String, Object>) obj.get("spec");
        spec.put("mode", "yarn");
        ((Map<String, Object>) spec.get("executor")).put("instances", "2");
        ((Map<String, Object>) spec.get("driver")).put("podSecurityContxt", Map.of());
        spec.remove("sparkVersion");
        assertThat(spark.validate(obj, null)).extracting(CrdValidator.Violation::toString).containsExactlyInAnyOrder(
                "spec.mode: Unsupported value: \"yarn\"",
                "spec.executor.instances: must be of type integer",
                "spec.driver.podSecurityContxt: unknown field",
                "spec.sparkVersion: Required value");
    }
}
