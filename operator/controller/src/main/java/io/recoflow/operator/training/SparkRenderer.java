package io.recoflow.operator.training;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.core.Labels;
import io.recoflow.operator.core.Owners;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run with {@code trainer.engine: spark}: a {@code SparkApplication} of the Kubeflow Spark operator
 * running the Spark retrain job of {@code benchmarks/spark-als} ({@value #MAIN_CLASS}). Its arguments are the
 * trainer's {@code retrain} contract (same data, model, output, version, registry, aliases, gate and result file),
 * so the artifact, the registry entry and the result the operator reads do not depend on the engine.
 */
public final class SparkRenderer {
    public static final String API_VERSION = "sparkoperator.k8s.io/v1beta2";
    public static final String KIND = "SparkApplication";
    public static final String MAIN_CLASS = "io.recoflow.benchmarks.sparkals.SparkRetrain";
    /** Where trainer.spark.image carries the job's jar (with the trainer and its TensorFlow natives inside). */
    public static final String APPLICATION_FILE = "local:///opt/recoflow/recoflow-spark-retrain.jar";
    public static final String SCHEDULE_LABEL = "recoflow.io/training-schedule";
    /** The driver's container writes the result JSON here; Kubernetes turns it into the termination message. */
    public static final String RESULT_FILE = "/dev/termination-log";
    /** The spark user of the apache/spark images. */
    static final long UID = 185;

    // the API server's defaults, for an object that did not come through it (tests, an old CRD)
    static final int EXECUTORS = 2;
    static final String EXECUTOR_MEMORY = "2g";
    static final String SPARK_VERSION = "3.5.3";
    static final String SERVICE_ACCOUNT = "spark";
    static final String DRIVER_MEMORY = "2g";

    private SparkRenderer() {}

    /**
     * @param name the SparkApplication's name (its driver pod is {@code <name>-driver})
     * @param version the model version the run writes ({@code output/<version>})
     * @param registeredModel the registered model name: {@code spec.registeredModel}, else the RecommendationModel's
     *     {@code spec.model} (which this renderer cannot see)
     */
    public static GenericKubernetesResource render(TrainingSchedule ts, String name, long version,
            String registeredModel) {
        TrainingScheduleSpec spec = ts.getSpec();
        TrainingScheduleSpec.Spark spark = spec.trainer.spark;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "Scala");
        s.put("mode", "cluster");
        s.put("image", spark.image);
        s.put("mainClass", MAIN_CLASS);
        s.put("mainApplicationFile", APPLICATION_FILE);
        s.put("arguments", arguments(spec, version, registeredModel));
        s.put("sparkVersion", or(spark.sparkVersion, SPARK_VERSION));
        // the TrainingSchedule's backoffLimit is the retry policy, counted by the operator over runs
        s.put("restartPolicy", map("type", "Never"));
        s.put("driver", driver(ts, spec.trainer.resources, or(spark.serviceAccount, SERVICE_ACCOUNT)));
        s.put("executor", executor(ts, spark));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(KIND)
                .withMetadata(Owners.meta(ts, name, labels(ts)))
                .addToAdditionalProperties("spec", s)
                .build();
    }

    public static Map<String, String> labels(TrainingSchedule ts) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Labels.MANAGED_BY, Labels.OPERATOR);
        m.put(SCHEDULE_LABEL, ts.getMetadata().getName());
        return m;
    }

    static List<String> arguments(TrainingScheduleSpec spec, long version, String registeredModel) {
        List<String> a = new ArrayList<>(List.of(
                "--data", spec.trainer.data,
                "--model", spec.trainer.model,
                "--out", spec.trainer.output,
                "--version", Long.toString(version),
                "--registry", spec.registry,
                "--name", registeredModel,
                "--champion-alias", "champion",
                "--challenger-alias", "challenger",
                "--min-ndcg-gain", Double.toString(minNdcgGain(spec)),
                "--result", RESULT_FILE));
        if (spec.trainer.args != null) {
            a.addAll(spec.trainer.args);
        }
        return a;
    }

    static double minNdcgGain(TrainingScheduleSpec spec) {
        return spec.gate == null || spec.gate.minNdcgGain == null ? 0 : spec.gate.minNdcgGain;
    }

    /**
     * The driver gets trainer.resources: as in the JVM trainer it holds the interaction matrix, evaluates the
     * challenger against the champion and exports the SavedModel; only the ALS iterations run on the executors.
     */
    private static Map<String, Object> driver(TrainingSchedule ts, ResourceRequirements r, String serviceAccount) {
        Quantity cpu = quantity(r, "cpu");
        Quantity memory = quantity(r, "memory");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("cores", cpu == null ? 1 : Math.max(1, Quantity.getAmountInBytes(cpu)
                .setScale(0, RoundingMode.CEILING).intValueExact()));
        if (cpu != null) {
            d.put("coreRequest", cpu.toString());
        }
        Quantity cpuLimit = r == null || r.getLimits() == null ? null : r.getLimits().get("cpu");
        if (cpuLimit != null) {
            d.put("coreLimit", cpuLimit.toString());
        }
        // Spark sizes the heap from this and adds its overhead for the pod; Spark does not read Ki/Mi/Gi
        d.put("memory", memory == null ? DRIVER_MEMORY : mebibytes(memory) + "m");
        d.put("serviceAccount", serviceAccount);
        d.put("labels", Map.of(SCHEDULE_LABEL, ts.getMetadata().getName()));
        security(d);
        return d;
    }

    /**
     * One core each: the job's parallelism is the number of executors. No service account: executors do not call the
     * API server (the driver creates them).
     */
    private static Map<String, Object> executor(TrainingSchedule ts, TrainingScheduleSpec.Spark spark) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("instances", spark.executors == null ? EXECUTORS : spark.executors);
        e.put("cores", 1);
        e.put("memory", or(spark.executorMemory, EXECUTOR_MEMORY));
        e.put("labels", Map.of(SCHEDULE_LABEL, ts.getMetadata().getName()));
        security(e);
        return e;
    }

    /**
     * The model server pods' restrictions (the Spark operator's webhook applies them to the pods). The root file
     * system stays writable: Spark's entrypoint and work dir and the TensorFlow natives write under the image.
     */
    private static void security(Map<String, Object> pod) {
        pod.put("podSecurityContext", map(
                "runAsNonRoot", true,
                "runAsUser", UID,
                "runAsGroup", UID,
                "fsGroup", UID,
                "seccompProfile", map("type", "RuntimeDefault")));
        pod.put("securityContext", map(
                "allowPrivilegeEscalation", false,
                "runAsNonRoot", true,
                "capabilities", map("drop", List.of("ALL"))));
    }

    private static Quantity quantity(ResourceRequirements r, String resource) {
        if (r == null) {
            return null;
        }
        if (r.getRequests() != null && r.getRequests().get(resource) != null) {
            return r.getRequests().get(resource);
        }
        return r.getLimits() == null ? null : r.getLimits().get(resource);
    }

    static long mebibytes(Quantity q) {
        return Quantity.getAmountInBytes(q).divide(BigDecimal.valueOf(1L << 20), 0, RoundingMode.CEILING)
                .longValueExact();
    }

    private static <T> T or(T value, T dflt) {
        return value != null ? value : dflt;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
