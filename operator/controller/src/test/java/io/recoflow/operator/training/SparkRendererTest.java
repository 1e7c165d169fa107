package io.recoflow.operator.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class SparkRendererTest {

    /** A spark-engine schedule as a user writes it: only what the CRD does not default. */
    public static TrainingSchedule schedule() {
        TrainingSchedule ts = new TrainingSchedule();
        ts.setMetadata(new ObjectMetaBuilder().withName("retail-nightly").withNamespace("recs").withUid("u-7")
                .build());
        TrainingScheduleSpec s = new TrainingScheduleSpec();
        s.modelRef = "retail-recs";
        s.schedule = "@daily";
        s.registry = "mlflow:http://mlflow.mlops:5000";
        s.trainer = new TrainingScheduleSpec.Trainer();
        s.trainer.image = "ghcr.io/recoflow/trainer:0.1.0";
        s.trainer.model = "als:factors=64:lambda=0.05:alpha=10:iterations=15";
        s.trainer.data = "s3a://lake/retail/interactions.csv.gz";
        s.trainer.output = "s3a://models/retail-recs";
        s.trainer.engine = TrainingScheduleSpec.Engine.SPARK;
        s.trainer.spark = new TrainingScheduleSpec.Spark();
        s.trainer.spark.image = "ghcr.io/recoflow/spark-retrain:0.1.0";
        ts.setSpec(s);
        return ts;
    }

    static Map<String, Object> spec(GenericKubernetesResource r) {
        return cast(r.getAdditionalProperties().get("spec"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object o) {
        return (List<String>) o;
    }

    @Test
    void ownedByTheScheduleAndLabelledForTheOperatorsInformers() {
        TrainingSchedule ts = schedule();
        GenericKubernetesResource r = SparkRenderer.render(ts, "retail-nightly-1733011200", 1733011200L,
                "retail-recs");
        assertThat(ts.getApiVersion()).isEqualTo("recoflow.io/" + io.recoflow.operator.api.RecommendationModel.VERSION);
        assertThat(r.getApiVersion()).isEqualTo("sparkoperator.k8s.io/v1beta2");
        assertThat(r.getKind()).isEqualTo("SparkApplication");
        assertThat(r.getMetadata().getName()).isEqualTo("retail-nightly-1733011200");
        assertThat(r.getMetadata().getNamespace()).isEqualTo("recs");
        assertThat(r.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "app.kubernetes.io/managed-by", "recoflow-operator",
                "recoflow.io/training-schedule", "retail-nightly"));
        assertThat(r.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("TrainingSchedule");
            assertThat(o.getApiVersion()).isEqualTo(ts.getApiVersion());
            assertThat(o.getName()).isEqualTo("retail-nightly");
            assertThat(o.getUid()).isEqualTo("u-7");
            assertThat(o.getController()).isTrue();
        });
    }

    @Test
    void argumentsAreTheRetrainContract() {
        TrainingSchedule ts = schedule();
        ts.getSpec().gate = new TrainingScheduleSpec.Gate();
        ts.getSpec().gate.minNdcgGain = 0.002;
        ts.getSpec().trainer.args = List.of("--split", "temporal:2011-11-01,2011-11-01");
        Map<String, Object> s = spec(SparkRenderer.render(ts, "retail-nightly-7", 7, "retail-recs"));
        assertThat(s).containsEntry("type", "Scala").containsEntry("mode", "cluster")
                .containsEntry("image", "ghcr.io/recoflow/spark-retrain:0.1.0")
                .containsEntry("mainClass", "io.recoflow.benchmarks.sparkals.SparkRetrain")
                .containsEntry("mainApplicationFile", "local:///opt/recoflow/recoflow-spark-retrain.jar")
                .containsEntry("sparkVersion", "3.5.3")
                .containsEntry("restartPolicy", Map.of("type", "Never"));
        assertThat(s.get("arguments")).isEqualTo(List.of(
                "--data", "s3a://lake/retail/interactions.csv.gz",
                "--model", "als:factors=64:lambda=0.05:alpha=10:iterations=15",
                "--out", "s3a://models/retail-recs",
                "--version", "7",
                "--registry", "mlflow:http://mlflow.mlops:5000",
                "--name", "retail-recs",
                "--champion-alias", "champion",
                "--challenger-alias", "challenger",
                "--min-ndcg-gain", "0.002",
                "--result", "/dev/termination-log",
                "--split", "temporal:2011-11-01,2011-11-01"));
    }

    @Test
    void defaultsWhenTheObjectDidNotComeThroughTheApiServer() {
        Map<String, Object> s = spec(SparkRenderer.render(schedule(), "r-1", 1, "retail-recs"));
        assertThat(cast(s.get("driver"))).containsEntry("cores", 1).containsEntry("memory", "2g")
                .containsEntry("serviceAccount", "spark").doesNotContainKeys("coreRequest", "coreLimit");
        assertThat(cast(s.get("executor"))).containsEntry("instances", 2).containsEntry("cores", 1)
                .containsEntry("memory", "2g").doesNotContainKey("serviceAccount");
        assertThat(strings(s.get("arguments"))).containsSequence("--min-ndcg-gain", "0.0");
    }

    @Test
    void driverGetsTheTrainerResourcesAndExecutorsTheSparkSettings() {
        TrainingSchedule ts = schedule();
        ts.getSpec().trainer.resources = new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("1500m"))
                .addToRequests("memory", new Quantity("6Gi"))
                .addToLimits("cpu", new Quantity("2"))
                .build();
        TrainingScheduleSpec.Spark spark = ts.getSpec().trainer.spark;
        spark.executors = 8;
        spark.executorMemory = "6g";
        spark.sparkVersion = "3.5.6";
        spark.serviceAccount = "spark-retrain";
        Map<String, Object> s = spec(SparkRenderer.render(ts, "r-1", 1, "retail-recs"));
        assertThat(s).containsEntry("sparkVersion", "3.5.6");
        assertThat(cast(s.get("driver"))).containsEntry("cores", 2).containsEntry("coreRequest", "1500m")
                .containsEntry("coreLimit", "2").containsEntry("memory", "6144m")
                .containsEntry("serviceAccount", "spark-retrain")
                .containsEntry("labels", Map.of("recoflow.io/training-schedule", "retail-nightly"));
        assertThat(cast(s.get("executor"))).containsEntry("instances", 8).containsEntry("memory", "6g");
        assertThat(SparkRenderer.mebibytes(new Quantity("1G"))).isEqualTo(954);
    }

    @Test
    void podsAreRestrictedLikeTheModelServers() {
        Map<String, Object> s = spec(SparkRenderer.render(schedule(), "r-1", 1, "retail-recs"));
        for (String role : List.of("driver", "executor")) {
            Map<String, Object> pod = cast(s.get(role));
            assertThat(cast(pod.get("podSecurityContext"))).as(role).containsEntry("runAsNonRoot", true)
                    .containsEntry("runAsUser", 185L)
                    .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
            assertThat(cast(pod.get("securityContext"))).as(role).containsEntry("allowPrivilegeEscalation", false)
                    .containsEntry("runAsNonRoot", true)
                    .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
        }
    }
}
