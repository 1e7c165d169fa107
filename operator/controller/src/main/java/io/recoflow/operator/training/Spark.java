package io.recoflow.operator.training;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.recoflow.operator.api.training.TrainingSchedule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that talks to the Kubeflow Spark operator's {@code SparkApplication}s: create, list a schedule's,
 * delete. Read through the client, not an informer: the CRD exists only where the Spark operator is installed, and an
 * informer on a missing kind would fail the operator's start for every user without Spark.
 */
final class Spark {
    static final String API_VERSION = "sparkoperator.k8s.io/v1beta2";
    static final String KIND = "SparkApplication";
    static final Duration POLL = Duration.ofSeconds(15);
    /** applicationState.state values after which the driver will not run again. */
    static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "SUBMISSION_FAILED");
    static final Set<String> FAILED = Set.of("FAILED", "SUBMISSION_FAILED");

    private Spark() {}

    static void create(KubernetesClient client, GenericKubernetesResource app) {
        client.genericKubernetesResources(API_VERSION, KIND).inNamespace(app.getMetadata().getNamespace())
                .resource(app).create();
    }

    static void delete(KubernetesClient client, String ns, String name) {
        client.genericKubernetesResources(API_VERSION, KIND).inNamespace(ns).withName(name).delete();
    }

    /** The schedule's applications; none when the Spark operator's CRD is not installed. */
    static List<RunObject> runs(KubernetesClient client, TrainingSchedule ts) {
        try {
            return client.genericKubernetesResources(API_VERSION, KIND).inNamespace(ts.getMetadata().getNamespace())
                    .withLabel(JobRenderer.SCHEDULE_LABEL, ts.getMetadata().getName()).list().getItems().stream()
                    .map(Spark::of).toList();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    static RunObject of(GenericKubernetesResource app) {
        Map<String, Object> status = (Map<String, Object>) app.getAdditionalProperties().get("status");
        Map<String, Object> state = status == null ? null : (Map<String, Object>) status.get("applicationState");
        String s = state == null ? null : (String) state.get("state");
        Map<String, Object> driver = status == null ? null : (Map<String, Object>) status.get("driverInfo");
        String pod = driver == null ? null : (String) driver.get("podName");
        boolean failed = s != null && FAILED.contains(s);
        String error = state == null ? null : (String) state.get("errorMessage");
        return new RunObject(app.getMetadata().getName(), app.getMetadata().getCreationTimestamp() == null ? ""
                : app.getMetadata().getCreationTimestamp(), s != null && DONE.contains(s), failed,
                failed ? "the SparkApplication ended " + s + (error == null ? "" : ": " + error) : null, null,
                pod == null ? app.getMetadata().getName() + "-driver" : pod);
    }
}
