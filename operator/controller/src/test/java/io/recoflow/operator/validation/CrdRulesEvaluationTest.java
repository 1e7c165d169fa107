package io.recoflow.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.validation.CrdValidator.Rule;
import io.recoflow.operator.validation.CrdValidator.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs in crds/ as an API server would apply them: every CEL rule really evaluated (cel-java) together with
 * the OpenAPI schema, against examples/ (must pass) and a table of bad inputs, each of which must be rejected with
 * exactly the one intended message. The mock API server in the scenario tests evaluates none of this. Where the
 * Java SpecValidator can see the same mistake (a create that deserialises into the CR classes), it must reject it
 * too, so the two stay in step.
 */
class CrdRulesEvaluationTest {
    static final Path ROOT = Path.of(System.getProperty("recoflow.repo.root", "../.."));
    static final String RM = "RecommendationModel";
    static final String MV = "ModelVersion";
    static final String CT = "ClusterTarget";
    static final String AB = "ABExperiment";
    static final String CCB = "CloudCostBudget";
    static final String TS = "TrainingSchedule";
    static final String FP = "FeaturePipeline";

    static CrdValidator rmCrd;
    static CrdValidator mvCrd;
    static CrdValidator ctCrd;
    static CrdValidator abCrd;
    static CrdValidator ccbCrd;
    static CrdValidator tsCrd;
    static CrdValidator fpCrd;

    @BeforeAll
    static void load() throws IOException {
        rmCrd = CrdValidator.load(ROOT.resolve("crds/recommendationmodels.recoflow.io-v1.yml"));
        mvCrd = CrdValidator.load(ROOT.resolve("crds/modelversions.recoflow.io-v1.yml"));
        ctCrd = CrdValidator.load(ROOT.resolve("crds/clustertargets.recoflow.io-v1.yml"));
        abCrd = CrdValidator.load(ROOT.resolve("crds/abexperiments.recoflow.io-v1.yml"));
        ccbCrd = CrdValidator.load(ROOT.resolve("crds/cloudcostbudgets.recoflow.io-v1.yml"));
        tsCrd = CrdValidator.load(ROOT.resolve("crds/trainingschedules.recoflow.io-v1.yml"));
        fpCrd = CrdValidator.load(ROOT.resolve("crds/featurepipelines.recoflow.io-v1.yml"));
    }

    /** A mutation of an example; {@code old} set means an update from the unmodified example. */
    record Case(String name, String kind, Consumer<Map<String, Object>> edit, boolean update, String expected,
                boolean javaSees) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case create(String name, String kind, Consumer<Map<String, Object>> edit, String expected) {
        return new Case(name, kind, edit, false, expected, true);
    }

    static Case createJavaBlind(String name, String kind, Consumer<Map<String, Object>> edit, String expected) {
        return new Case(name, kind, edit, false, expected, false);
    }

    static Case update(String name, String kind, Consumer<Map<String, Object>> edit, String expected) {
        return new Case(name, kind, edit, true, expected, false);
    }

    static Stream<Case> badInputs() {
        return Stream.of(
                // CEL: RecommendationModel
                create("min above max", RM, d -> set(d, "spec.autoscaling.minReplicas", 20),
                        "spec.autoscaling: minReplicas must be <= maxReplicas"),
                create("autoscaling without a target", RM, d -> {
                    set(d, "spec.autoscaling.targetCPUUtilization", null);
                    set(d, "spec.autoscaling.targetRPS", null);
                }, "spec.autoscaling: set targetCPUUtilization and/or targetRPS"),
                create("replicas and autoscaling", RM, d -> set(d, "spec.replicas", 3),
                        "spec: set either replicas or autoscaling, not both"),
                create("embedded without image", RM, d -> {
                    set(d, "spec.runtime", "embedded");
                    set(d, "spec.image", null);
                }, "spec: image is required when runtime is embedded"),
                create("canary without steps", RM, d -> set(d, "spec.rollout.steps", null),
                        "spec.rollout: canary needs at least one step"),
                create("canary with an empty step list", RM, d -> set(d, "spec.rollout.steps", List.of()),
                        "spec.rollout: canary needs at least one step"),
                create("defaulted canary without steps", RM, d -> {
                    set(d, "spec.rollout.strategy", null);
                    set(d, "spec.rollout.steps", null);
                }, "spec.rollout: canary needs at least one step"),
                create("blue-green with steps", RM, d -> set(d, "spec.rollout.strategy", "blue-green"),
                        "spec.rollout: blue-green takes no steps"),
                create("decreasing canary weights", RM, d -> set(d, "spec.rollout.steps", steps(50, 10, 100)),
                        "spec.rollout: canary step weights must be strictly increasing"),
                create("repeated canary weight", RM, d -> set(d, "spec.rollout.steps", steps(10, 10, 100)),
                        "spec.rollout: canary step weights must be strictly increasing"),
                create("cluster weights below 100", RM,
                        d -> set(d, "spec.placement.clusters", List.of(cluster("local", 60), cluster("eu", 30))),
                        "spec.placement: cluster weights must sum to 100"),
                create("duplicate cluster names", RM,
                        d -> set(d, "spec.placement.clusters", List.of(cluster("local", 50), cluster("local", 50))),
                        "spec.placement: cluster names must be unique"),
                // OpenAPI: RecommendationModel
                create("RM without spec", RM, d -> d.remove("spec"), "spec: Required value"),
                create("no model", RM, d -> set(d, "spec.model", null), "spec.model: Required value"),
                create("model name with capitals", RM, d -> set(d, "spec.model", "Retail-Recs"),
                        "spec.model: must match ^[a-z0-9]([a-z0-9_.-]{0,126}[a-z0-9])?$"),
                createJavaBlind("unknown runtime", RM, d -> set(d, "spec.runtime", "onnx"),
                        "spec.runtime: Unsupported value: \"onnx\""),
                create("empty image", RM, d -> {
                    set(d, "spec.runtime", "embedded");
                    set(d, "spec.image", "");
                }, "spec.image: must be at least 1 chars long"),
                create("canary weight above 100", RM, d -> set(d, "spec.rollout.steps", steps(10, 150)),
                        "spec.rollout.steps[1].weight: must be <= 100"),
                create("negative replicas", RM, d -> {
                    set(d, "spec.autoscaling", null);
                    set(d, "spec.replicas", -1);
                }, "spec.replicas: must be >= 0"),
                create("zero CPU target", RM, d -> set(d, "spec.autoscaling.targetCPUUtilization", 0),
                        "spec.autoscaling.targetCPUUtilization: must be >= 1"),
                create("deadline too short", RM, d -> set(d, "spec.rollout.progressDeadlineSeconds", 5),
                        "spec.rollout.progressDeadlineSeconds: must be >= 10"),
                create("17 clusters", RM, d -> set(d, "spec.placement.clusters", IntStream.range(0, 17)
                                .mapToObj(i -> cluster("c" + i, i < 16 ? 6 : 4)).toList()),
                        "spec.placement.clusters: must have at most 16 items"),
                create("cluster name not a DNS label", RM,
                        d -> set(d, "spec.placement.clusters", List.of(cluster("EU_West", 100))),
                        "spec.placement.clusters[0].name: must match ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"),
                createJavaBlind("misspelt field", RM, d -> set(d, "spec.replica", 3),
                        "spec.replica: unknown field"),
                // CEL: ModelVersion
                create("no artifact source", MV, d -> set(d, "spec.artifact.uri", null),
                        "spec.artifact: set exactly one of mlflow or uri"),
                create("two artifact sources", MV, d -> set(d, "spec.artifact.mlflow", mlflow("3", null)),
                        "spec.artifact: set exactly one of mlflow or uri"),
                create("mlflow version and alias", MV, d -> {
                    set(d, "spec.artifact.uri", null);
                    set(d, "spec.artifact.mlflow", mlflow("3", "champion"));
                }, "spec.artifact.mlflow: set exactly one of version or alias"),
                create("mlflow without version or alias", MV, d -> {
                    set(d, "spec.artifact.uri", null);
                    set(d, "spec.artifact.mlflow", mlflow(null, null));
                }, "spec.artifact.mlflow: set exactly one of version or alias"),
                update("modelRef changed", MV, d -> set(d, "spec.modelRef", "other-recs"),
                        "spec.modelRef: modelRef is immutable"),
                update("version changed", MV, d -> set(d, "spec.version", 1764144000L),
                        "spec.version: version is immutable"),
                // OpenAPI: ModelVersion
                create("MV without spec", MV, d -> d.remove("spec"), "spec: Required value"),
                create("no version", MV, d -> set(d, "spec.version", null), "spec.version: Required value"),
                create("version 0", MV, d -> set(d, "spec.version", 0), "spec.version: must be >= 1"),
                create("http artifact", MV, d -> set(d, "spec.artifact.uri", "http://models/retail-recs"),
                        "spec.artifact.uri: must match ^(s3|abfss|file)://.+$"),
                createJavaBlind("unknown stage", MV, d -> set(d, "spec.stage", "staging"),
                        "spec.stage: Unsupported value: \"staging\""),
                // OpenAPI: ClusterTarget (no CEL rules)
                createJavaBlind("unknown cloud", CT, d -> set(d, "spec.cloud", "gcp"),
                        "spec.cloud: Unsupported value: \"gcp\""),
                create("no kubeconfig Secret", CT, d -> set(d, "spec.kubeconfigSecretRef", null),
                        "spec.kubeconfigSecretRef: Required value"),
                create("kubeconfig Secret without namespace", CT,
                        d -> set(d, "spec.kubeconfigSecretRef.namespace", null),
                        "spec.kubeconfigSecretRef.namespace: Required value"),
                create("region with capitals", CT, d -> set(d, "spec.region", "EU-West-1"),
                        "spec.region: must match ^[a-z0-9][-a-z0-9]{0,30}$"),
                create("negative cost", CT, d -> set(d, "spec.costPerCoreHourUSD", -0.01),
                        "spec.costPerCoreHourUSD: must be >= 0"),
                create("endpoint without a scheme", CT, d -> set(d, "spec.endpoint", "recs.example.com"),
                        "spec.endpoint: must match ^https?://[^\\s]+$"),
                // CEL: ABExperiment
                create("variant weights summing to 90", AB, d -> set(d, "spec.variants",
                                List.of(abVariant("control", "retail-recs-v1", 50, true),
                                        abVariant("treatment", "retail-recs-v2", 40, false))),
                        "spec: variant weights must sum to 100"),
                create("no control", AB, d -> set(d, "spec.variants",
                                List.of(abVariant("a", "retail-recs-v1", 50, false),
                                        abVariant("b", "retail-recs-v2", 50, false))),
                        "spec: exactly one variant must be the control"),
                create("two controls", AB, d -> set(d, "spec.variants",
                                List.of(abVariant("a", "retail-recs-v1", 50, true),
                                        abVariant("b", "retail-recs-v2", 50, true))),
                        "spec: exactly one variant must be the control"),
                create("duplicate variant names", AB, d -> set(d, "spec.variants",
                                List.of(abVariant("control", "retail-recs-v1", 50, true),
                                        abVariant("control", "retail-recs-v2", 50, false))),
                        "spec: variant names must be unique"),
                create("one ModelVersion in two variants", AB, d -> set(d, "spec.variants",
                                List.of(abVariant("control", "retail-recs-v1", 50, true),
                                        abVariant("treatment", "retail-recs-v1", 50, false))),
                        "spec: each variant needs its own ModelVersion"),
                create("min duration above max", AB, d -> {
                    set(d, "spec.analysis.minDurationSeconds", 7200);
                    set(d, "spec.analysis.maxDurationSeconds", 3600);
                }, "spec.analysis: minDurationSeconds must be <= maxDurationSeconds"),
                update("experiment moved to another model", AB, d -> set(d, "spec.modelRef", "other-recs"),
                        "spec.modelRef: modelRef is immutable"),
                // OpenAPI: ABExperiment
                create("one variant", AB, d -> set(d, "spec.variants",
                                List.of(abVariant("control", "retail-recs-v1", 100, true))),
                        "spec.variants: must have at least 2 items"),
                create("six variants", AB, d -> set(d, "spec.variants", IntStream.range(0, 6)
                                .mapToObj(i -> abVariant("v" + i, "retail-recs-v" + i, i < 5 ? 16 : 20, i == 0))
                                .toList()),
                        "spec.variants: must have at most 5 items"),
                create("negative weight", AB, d -> set(d, "spec.variants",
                                List.of(abVariant("control", "retail-recs-v1", 50, true),
                                        abVariant("treatment", "retail-recs-v2", 55, false),
                                        abVariant("third", "retail-recs-v3", -5, false))),
                        "spec.variants[2].weight: must be >= 0"),
                create("no model", AB, d -> set(d, "spec.modelRef", null), "spec.modelRef: Required value"),
                createJavaBlind("unknown metric", AB, d -> set(d, "spec.primaryMetric", "revenue"),
                        "spec.primaryMetric: Unsupported value: \"revenue\""),
                createJavaBlind("unknown conclusion", AB, d -> set(d, "spec.onConclusion", "rollback"),
                        "spec.onConclusion: Unsupported value: \"rollback\""),
                createJavaBlind("alpha of 0.5", AB, d -> set(d, "spec.analysis.alpha", 0.5),
                        "spec.analysis.alpha: must be <= 0.2"),
                // CEL: CloudCostBudget
                create("unsorted thresholds", CCB, d -> set(d, "spec.thresholds", List.of(
                                Map.of("percent", 90, "action", "shiftTraffic"),
                                Map.of("percent", 80, "action", "pauseExperiments"))),
                        "spec: thresholds must be sorted by percent"),
                create("capReplicas without a cap", CCB, d -> set(d, "spec.thresholds", List.of(
                                Map.of("percent", 80, "action", "capReplicas"))),
                        "spec.thresholds[0]: capReplicas needs maxReplicas"),
                create("notify without a webhook", CCB, d -> set(d, "spec.notify", null),
                        "spec: a notify threshold needs spec.notify"),
                create("opencost without its Prometheus", CCB, d -> set(d, "spec.source.opencost", null),
                        "spec: source.opencost is required for type opencost"),
                create("cloud billing without a cloud", CCB, d -> set(d, "spec.source.type", "cloudBilling"),
                        "spec: source.aws and/or source.azure is required for type cloudBilling"),
                // OpenAPI: CloudCostBudget
                create("negative limit", CCB, d -> set(d, "spec.limitUSD", -1),
                        "spec.limitUSD: must be >= 0"),
                create("threshold above 1,000 %", CCB, d -> set(d, "spec.thresholds", List.of(
                                Map.of("percent", 1500, "action", "pauseExperiments"))),
                        "spec.thresholds[0].percent: must be <= 1000"),
                create("no limit", CCB, d -> set(d, "spec.limitUSD", null), "spec.limitUSD: Required value"),
                createJavaBlind("unknown action", CCB, d -> set(d, "spec.thresholds", List.of(
                                Map.of("percent", 80, "action", "deleteEverything"))),
                        "spec.thresholds[0].action: Unsupported value: \"deleteEverything\""),
                createJavaBlind("cluster name not a DNS label", CCB, d -> set(d, "spec.scope.clusters",
                                List.of("EKS_prod")),
                        "spec.scope.clusters[0]: must match ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"),
                createJavaBlind("poll every second", CCB, d -> set(d, "spec.pollIntervalSeconds", 1),
                        "spec.pollIntervalSeconds: must be >= 10"),
                // CEL: TrainingSchedule
                create("no schedule and no triggers", TS, d -> {
                    set(d, "spec.schedule", null);
                    set(d, "spec.triggers", null);
                }, "spec: set a schedule and/or triggers: nothing would ever start a run"),
                create("experiment without its template", TS, d -> set(d, "spec.experiment", null),
                        "spec: onSuccess experiment needs spec.experiment"),
                create("spark without its settings", TS, d -> set(d, "spec.trainer.engine", "spark"),
                        "spec.trainer: engine spark needs trainer.spark"),
                create("experiment template with min duration above max", TS, d -> {
                    set(d, "spec.experiment.analysis.minDurationSeconds", 7200);
                    set(d, "spec.experiment.analysis.maxDurationSeconds", 3600);
                }, "spec.experiment.analysis: minDurationSeconds must be <= maxDurationSeconds"),
                update("schedule moved to another model", TS, d -> set(d, "spec.modelRef", "other-recs"),
                        "spec.modelRef: modelRef is immutable"),
                // OpenAPI: TrainingSchedule
                createJavaBlind("a schedule of three fields", TS, d -> set(d, "spec.schedule", "0 2 *"),
                        "spec.schedule: must match ^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)"
                                + "|(\\S+\\s+){4}\\S+)$"),
                createJavaBlind("registry without a scheme", TS, d -> set(d, "spec.registry", "mlflow.mlops:5000"),
                        "spec.registry: must match ^(local:/\\S+|mlflow:https?://\\S+)$"),
                createJavaBlind("negative gain", TS, d -> set(d, "spec.gate.minNdcgGain", -0.1),
                        "spec.gate.minNdcgGain: must be >= 0"),
                createJavaBlind("unknown concurrency policy", TS, d -> set(d, "spec.concurrencyPolicy", "Allow"),
                        "spec.concurrencyPolicy: Unsupported value: \"Allow\""),
                // CEL: FeaturePipeline
                create("strimzi without its cluster", FP, d -> set(d, "spec.kafka.topicManagement", "strimzi"),
                        "spec: topicManagement strimzi needs kafka.strimziCluster (the strimzi.io/cluster label)"),
                create("a collector scaled on lag", FP, d -> set(d, "spec.collector",
                                Map.of("autoscaling", Map.of("minReplicas", 1, "maxReplicas", 3,
                                        "lag", Map.of("threshold", 10)))),
                        "spec: lag autoscaling is for the worker (the collector does not consume)"),
                create("events min.insync.replicas above the replication factor", FP,
                        d -> set(d, "spec.kafka.topics.events.minInsyncReplicas", 4),
                        "spec.kafka.topics.events: minInsyncReplicas must be <= replicationFactor"),
                create("impressions min.insync.replicas above the replication factor", FP,
                        d -> set(d, "spec.kafka.topics.impressions.minInsyncReplicas", 4),
                        "spec.kafka.topics.impressions: minInsyncReplicas must be <= replicationFactor"),
                create("dead letters min.insync.replicas above the replication factor", FP,
                        d -> set(d, "spec.kafka.topics.deadLetter.minInsyncReplicas", 4),
                        "spec.kafka.topics.deadLetter: minInsyncReplicas must be <= replicationFactor"),
                create("worker replicas and autoscaling", FP, d -> set(d, "spec.worker.replicas", 2),
                        "spec.worker: set replicas or autoscaling, not both"),
                create("collector replicas and autoscaling", FP, d -> set(d, "spec.collector.autoscaling",
                                Map.of("minReplicas", 1, "maxReplicas", 3, "targetCPUUtilization", 70)),
                        "spec.collector: set replicas or autoscaling, not both"),
                create("worker min above max", FP, d -> set(d, "spec.worker.autoscaling.minReplicas", 30),
                        "spec.worker.autoscaling: minReplicas must be <= maxReplicas"),
                create("worker autoscaling without a target", FP, d -> set(d, "spec.worker.autoscaling.lag", null),
                        "spec.worker.autoscaling: set lag and/or targetCPUUtilization"),
                create("collector min above max", FP, d -> {
                    set(d, "spec.collector.replicas", null);
                    set(d, "spec.collector.autoscaling", Map.of("minReplicas", 5, "maxReplicas", 3,
                            "targetCPUUtilization", 70));
                }, "spec.collector.autoscaling: minReplicas must be <= maxReplicas"),
                create("collector autoscaling without a target", FP, d -> {
                    set(d, "spec.collector.replicas", null);
                    set(d, "spec.collector.autoscaling", Map.of("minReplicas", 1, "maxReplicas", 3));
                }, "spec.collector.autoscaling: set lag and/or targetCPUUtilization"),
                create("a pipeline placement with DNS", FP, d -> {
                    set(d, "spec.placement.clusters", List.of(cluster("eks-eu", 50), cluster("aks-us", 50)));
                    set(d, "spec.placement.dns", Map.of("hostname", "features.shop.example.com"));
                }, "spec: placement.dns does not apply to a FeaturePipeline (its apps serve no traffic)"),
                create("pipeline cluster weights summing to 90", FP,
                        d -> set(d, "spec.placement.clusters", List.of(cluster("eks-eu", 60), cluster("aks-us", 30))),
                        "spec.placement: cluster weights must sum to 100"),
                create("popularity windows out of order", FP,
                        d -> set(d, "spec.features.popularityWindowsHours", List.of(24, 1)),
                        "spec.features.popularityWindowsHours: popularityWindowsHours must be ascending"),
                // OpenAPI: FeaturePipeline (the worker's FeatureSettings bounds)
                create("a recent-items cap above the worker's bound", FP,
                        d -> set(d, "spec.features.recentItemsCap", 5000),
                        "spec.features.recentItemsCap: must be <= 1000"),
                create("a co-visitation cap of zero", FP, d -> set(d, "spec.features.covisitCap", 0),
                        "spec.features.covisitCap: must be >= 1"),
                create("a popularity window of a year", FP,
                        d -> set(d, "spec.features.popularityWindowsHours", List.of(1, 8760)),
                        "spec.features.popularityWindowsHours[1]: must be <= 2160"),
                create("a user TTL of seconds", FP, d -> set(d, "spec.features.userTtlSeconds", 5),
                        "spec.features.userTtlSeconds: must be >= 60"),
                createJavaBlind("a sink target that is no data lake", FP,
                        d -> set(d, "spec.sink.targets", List.of("hdfs://namenode/events")),
                        "spec.sink.targets[0]: must match ^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\\S*)?"
                                + "|abfss://[a-z0-9-]{3,63}@[a-z0-9]{3,24}\\.dfs\\.core\\.windows\\.net(/\\S*)?)$"),
                createJavaBlind("unknown topic management", FP, d -> set(d, "spec.kafka.topicManagement", "zookeeper"),
                        "spec.kafka.topicManagement: Unsupported value: \"zookeeper\""),
                createJavaBlind("no partitions", FP, d -> set(d, "spec.kafka.topics.events.partitions", 0),
                        "spec.kafka.topics.events.partitions: must be >= 1"),
                createJavaBlind("negative error-rate guardrail", AB,
                        d -> set(d, "spec.guardrails.maxErrorRate", -0.1),
                        "spec.guardrails.maxErrorRate: must be >= 0"));
    }

    /** Valid variants: the rules must not be stricter than the documented API. */
    static Stream<Case> goodInputs() {
        return Stream.of(
                create("blue-green without steps", RM, d -> {
                    set(d, "spec.rollout.strategy", "blue-green");
                    set(d, "spec.rollout.steps", null);
                }, null),
                create("embedded with image and fixed replicas", RM, d -> {
                    set(d, "spec.runtime", "embedded");
                    set(d, "spec.image", "ghcr.io/recoflow/recommendation-service:0.1.0");
                    set(d, "spec.autoscaling", null);
                    set(d, "spec.replicas", 2);
                    set(d, "spec.placement", null);
                }, null),
                create("only the model name", RM, d -> d.put("spec", new LinkedHashMap<>(Map.of("model", "x"))), null),
                create("requests/s target only", RM, d -> set(d, "spec.autoscaling.targetCPUUtilization", null), null),
                create("two clusters 70/30", RM,
                        d -> set(d, "spec.placement.clusters", List.of(cluster("eks-eu", 70), cluster("aks-us", 30))),
                        null),
                create("steps 0 then 100", RM,
                        d -> set(d, "spec.rollout.steps", steps(0, 100)), null),
                create("mlflow alias", MV, d -> {
                    set(d, "spec.artifact.uri", null);
                    set(d, "spec.artifact.mlflow", mlflow(null, "champion"));
                }, null),
                create("mlflow version", MV, d -> {
                    set(d, "spec.artifact.uri", null);
                    set(d, "spec.artifact.mlflow", mlflow("7", null));
                }, null),
                update("promotion: only the stage changes", MV, d -> set(d, "spec.stage", "archived"), null),
                update("artifact moved, same version", MV, d -> set(d, "spec.artifact.uri", "abfss://m@acct/recs"),
                        null),
                create("ClusterTarget without endpoint, cost, labels or key", CT, d -> {
                    set(d, "spec.endpoint", null);
                    set(d, "spec.costPerCoreHourUSD", null);
                    set(d, "spec.labels", null);
                    set(d, "spec.kubeconfigSecretRef.key", null);
                }, null),
                create("free cluster", CT, d -> set(d, "spec.costPerCoreHourUSD", 0), null),
                create("three variants 34/33/33 with defaults only", AB, d -> {
                    set(d, "spec.variants", List.of(abVariant("control", "retail-recs-v1", 34, true),
                            abVariant("b", "retail-recs-v2", 33, false), abVariant("c", "retail-recs-v3", 33, false)));
                    set(d, "spec.analysis", null);
                    set(d, "spec.guardrails", null);
                    set(d, "spec.salt", null);
                }, null),
                create("a variant at weight 0", AB, d -> set(d, "spec.variants",
                        List.of(abVariant("control", "retail-recs-v1", 100, true),
                                abVariant("treatment", "retail-recs-v2", 0, false))), null),
                create("a budget with no thresholds or scope", CCB, d -> {
                    set(d, "spec.thresholds", null);
                    set(d, "spec.notify", null);
                    set(d, "spec.scope", null);
                }, null),
                create("cloud billing on both clouds", CCB, d -> {
                    set(d, "spec.source.type", "cloudBilling");
                    set(d, "spec.source.opencost", null);
                    set(d, "spec.source.aws.credentialsSecret", "aws-billing");
                    set(d, "spec.source.azure.credentialsSecret", "azure-billing");
                }, null),
                create("triggers only, registering", TS, d -> {
                    set(d, "spec.schedule", null);
                    set(d, "spec.onSuccess", "register");
                    set(d, "spec.experiment", null);
                }, null),
                create("spark engine", TS, d -> {
                    set(d, "spec.trainer.engine", "spark");
                    set(d, "spec.trainer.spark.image", "ghcr.io/recoflow/spark-retrain:0.1.0");
                }, null),
                create("a macro schedule", TS, d -> set(d, "spec.schedule", "@weekly"), null),
                create("a strimzi pipeline", FP, d -> {
                    set(d, "spec.kafka.topicManagement", "strimzi");
                    set(d, "spec.kafka.strimziCluster", "events");
                }, null),
                create("a pipeline without sink, features or autoscaling", FP, d -> {
                    set(d, "spec.sink", null);
                    set(d, "spec.features", null);
                    set(d, "spec.worker", null);
                    set(d, "spec.collector", null);
                }, null),
                create("a pipeline on two clusters, one at weight 0", FP,
                        d -> set(d, "spec.placement.clusters", List.of(cluster("eks-eu", 100), cluster("aks-us", 0))),
                        null),
                create("a worker scaled on CPU only", FP, d -> {
                    set(d, "spec.worker.autoscaling.lag", null);
                    set(d, "spec.worker.autoscaling.targetCPUUtilization", 70);
                }, null),
                update("weights change while running", AB, d -> set(d, "spec.variants",
                        List.of(abVariant("control", "retail-recs-v1", 80, true),
                                abVariant("treatment", "retail-recs-v2", 20, false))), null));
    }

    @Test
    void everyExamplePassesEveryRule() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ROOT.resolve("examples"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            for (String yaml : ExamplesTest.documents(f)) {
                Map<String, Object> doc = parse(yaml);
                CrdValidator crd = switch ((String) doc.get("kind")) {
                    case RM -> rmCrd;
                    case MV -> mvCrd;
                    case CT -> ctCrd;
                    case AB -> abCrd;
                    case CCB -> ccbCrd;
                    case TS -> tsCrd;
                    case FP -> fpCrd;
                    default -> throw new AssertionError("unexpected kind in " + f);
                };
                assertThat(crd.validate(doc, null)).as(f.getFileName().toString()).isEmpty();
                // applying the same file again (kubectl apply, Argo CD sync) is an update: transition rules run
                assertThat(crd.validate(doc, parse(yaml))).as(f.getFileName() + " re-applied").isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRejectedByExactlyTheIntendedRule(Case c) {
        Map<String, Object> doc = example(c.kind());
        c.edit().accept(doc);
        List<Violation> violations = crd(c.kind()).validate(doc, c.update() ? example(c.kind()) : null);
        assertThat(violations).extracting(Violation::toString).containsExactly(c.expected());
        if (c.javaSees()) {
            assertThat(javaErrors(c.kind(), doc)).as("SpecValidator on the same input").isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodInputs")
    void validVariantPassesEveryRule(Case c) {
        Map<String, Object> doc = example(c.kind());
        c.edit().accept(doc);
        assertThat(crd(c.kind()).validate(doc, c.update() ? example(c.kind()) : null)).isEmpty();
        assertThat(javaErrors(c.kind(), doc)).as("SpecValidator on the same input").isEmpty();
    }

    @Test
    void everyCelRuleIsExercisedByABadInput() {
        // a rule on list items has the schema path items[*]; its violation names the item
        Set<String> hit = badInputs().map(c -> c.expected().replaceAll("\\[\\d+]", "[*]"))
                .collect(Collectors.toSet());
        List<String> rules = new ArrayList<>();
        for (CrdValidator crd : List.of(rmCrd, mvCrd, ctCrd, abCrd, ccbCrd, tsCrd, fpCrd)) {
            for (Rule r : crd.rules()) {
                rules.add(r.schemaPath() + ": " + r.rule().getMessage());
            }
        }
        assertThat(rules).hasSize(44).allSatisfy(r -> assertThat(hit).as("bad inputs").contains(r));
    }

    @Test
    void theValidatorUnderstandsEveryKeywordTheCrdsUse() {
        assertThat(CrdValidator.unsupportedKeywords("", rmCrd.schema())).isEmpty();
        assertThat(CrdValidator.unsupportedKeywords("", mvCrd.schema())).isEmpty();
        assertThat(CrdValidator.unsupportedKeywords("", ctCrd.schema())).isEmpty();
        assertThat(CrdValidator.unsupportedKeywords("", abCrd.schema())).isEmpty();
        assertThat(CrdValidator.unsupportedKeywords("", ccbCrd.schema())).isEmpty();
        assertThat(CrdValidator.unsupportedKeywords("", tsCrd.schema())).isEmpty();
    }

    /**
     * The API server refuses a CRD whose rules' estimated worst-case cost exceeds its budget, and estimates an
     * unbounded list or string from the 3 MiB request limit. cel-java has no such estimator, so this checks the
     * precondition instead: every list a rule iterates has maxItems, and every string compared inside such an
     * iteration has maxLength or an enum.
     */
    @Test
    void rulesOnlyIterateBoundedListsOfBoundedStrings() {
        List<String> unbounded = new ArrayList<>();
        for (CrdValidator crd : List.of(rmCrd, mvCrd, ctCrd, abCrd, ccbCrd, tsCrd, fpCrd)) {
            walk("", crd.schema(), (path, s) -> {
                if (s.getXKubernetesValidations() == null || s.getProperties() == null) {
                    return;
                }
                String rules = s.getXKubernetesValidations().stream().map(r -> r.getRule())
                        .collect(Collectors.joining(" "));
                s.getProperties().forEach((name, p) -> {
                    if (!"array".equals(p.getType()) || !Pattern.compile("self\\." + name + "\\b").matcher(rules).find()) {
                        return;
                    }
                    if (p.getMaxItems() == null) {
                        unbounded.add(path + "." + name + " (maxItems)");
                    }
                    JSONSchemaProps item = p.getItems().getSchema();
                    if (item.getProperties() != null) {
                        item.getProperties().forEach((field, f) -> {
                            if ("string".equals(f.getType()) && f.getMaxLength() == null
                                    && (f.getEnum() == null || f.getEnum().isEmpty())
                                    && Pattern.compile("\\." + field + "\\b").matcher(rules).find()) {
                                unbounded.add(path + "." + name + "[*]." + field + " (maxLength)");
                            }
                        });
                    }
                });
            });
        }
        assertThat(unbounded).isEmpty();
    }

    // --- helpers

    interface Visitor {
        void visit(String path, JSONSchemaProps s);
    }

    static void walk(String path, JSONSchemaProps s, Visitor v) {
        if (s == null) {
            return;
        }
        v.visit(path, s);
        if (s.getProperties() != null) {
            s.getProperties().forEach((n, p) -> walk(path.isEmpty() ? n : path + "." + n, p, v));
        }
        if (s.getItems() != null) {
            walk(path + "[*]", s.getItems().getSchema(), v);
        }
    }

    static CrdValidator crd(String kind) {
        return switch (kind) {
            case RM -> rmCrd;
            case MV -> mvCrd;
            case AB -> abCrd;
            case CCB -> ccbCrd;
            case TS -> tsCrd;
            case FP -> fpCrd;
            default -> ctCrd;
        };
    }

    static Map<String, Object> example(String kind) {
        if (FP.equals(kind)) {
            return read(ROOT.resolve("examples/pipeline.yaml"));
        }
        if (TS.equals(kind)) {
            return read(ROOT.resolve("examples/training.yaml"));
        }
        if (CCB.equals(kind)) {
            return read(ROOT.resolve("examples/budget.yaml"));
        }
        if (AB.equals(kind)) {
            return read(ROOT.resolve("examples/retail-recs-ab.yaml"));
        }
        if (CT.equals(kind)) {
            try {
                return parse(ExamplesTest.documents(ROOT.resolve("examples/clustertargets.yaml")).get(0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return read(ROOT.resolve(RM.equals(kind) ? "examples/retail-recs.yaml" : "examples/retail-recs-v1.yaml"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String yaml) {
        return (Map<String, Object>) CrdValidator.cel(Serialization.unmarshal(yaml, Map.class));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path f) {
        try {
            return (Map<String, Object>) CrdValidator.cel(Serialization.unmarshal(Files.readString(f), Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> javaErrors(String kind, Map<String, Object> doc) {
        String json = Serialization.asJson(doc);
        return switch (kind) {
            case RM -> Specs.validate(Serialization.unmarshal(json, RecommendationModel.class));
            case MV -> Specs.validate(Serialization.unmarshal(json, ModelVersion.class));
            case AB -> Specs.validate(Serialization.unmarshal(json,
                    io.recoflow.operator.api.experiment.ABExperiment.class));
            case CCB -> Specs.validate(Serialization.unmarshal(json,
                    io.recoflow.operator.api.budget.CloudCostBudget.class));
            case TS -> Specs.validate(Serialization.unmarshal(json,
                    io.recoflow.operator.api.training.TrainingSchedule.class));
            case FP -> Specs.validate(Serialization.unmarshal(json,
                    io.recoflow.operator.api.pipeline.FeaturePipeline.class));
            default -> Specs.validate(Serialization.unmarshal(json, ClusterTarget.class));
        };
    }

    /** Sets (or with null removes) a dotted path, creating objects on the way. */
    @SuppressWarnings("unchecked")
    static void set(Map<String, Object> doc, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        }
        if (value == null) {
            m.remove(parts[parts.length - 1]);
        } else {
            m.put(parts[parts.length - 1], CrdValidator.cel(value));
        }
    }

    static List<Map<String, Object>> steps(int... weights) {
        return java.util.Arrays.stream(weights)
                .mapToObj(w -> Map.<String, Object>of("weight", w, "pauseSeconds", 60)).toList();
    }

    static Map<String, Object> abVariant(String name, String mv, int weight, boolean control) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("modelVersion", mv);
        m.put("weight", weight);
        if (control) {
            m.put("control", true);
        }
        return m;
    }

    static Map<String, Object> cluster(String name, int weight) {
        return Map.of("name", name, "weight", weight);
    }

    static Map<String, Object> mlflow(String version, String alias) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("registeredModel", "retail-recs");
        if (version != null) {
            m.put("version", version);
        }
        if (alias != null) {
            m.put("alias", alias);
        }
        return m;
    }
}
