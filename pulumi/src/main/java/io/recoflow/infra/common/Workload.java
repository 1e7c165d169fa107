package io.recoflow.infra.common;

import java.util.List;

/** A Kubernetes service account that gets a cloud identity (IRSA role on EKS, workload identity on AKS). */
public record Workload(String name, String namespace, String serviceAccount) {
    public static final String NAMESPACE = "recoflow";
    public static final String SYSTEM_NAMESPACE = "recoflow-system";

    public static final Workload OPERATOR = new Workload("operator", SYSTEM_NAMESPACE, "recoflow-operator");
    public static final Workload TRAINER = new Workload("trainer", NAMESPACE, "trainer");
    public static final Workload REC_SERVICE = new Workload("rec-service", NAMESPACE, "recommendation-service");
    public static final Workload EVENT_COLLECTOR = new Workload("event-collector", NAMESPACE, "event-collector");
    public static final Workload FEATURE_WORKER = new Workload("feature-worker", NAMESPACE, "feature-worker");
    public static final Workload MLFLOW = new Workload("mlflow", NAMESPACE, "mlflow");
    public static final Workload REPLICATOR = new Workload("datalake-replicator", NAMESPACE, "datalake-replicator");
    /** Scales the EKS node groups (AKS has the autoscaler built in and needs no identity). */
    public static final Workload CLUSTER_AUTOSCALER = new Workload("cluster-autoscaler", "kube-system", "cluster-autoscaler");

    public static final List<Workload> ALL =
            List.of(OPERATOR, TRAINER, REC_SERVICE, EVENT_COLLECTOR, FEATURE_WORKER, MLFLOW, REPLICATOR, CLUSTER_AUTOSCALER);

    /** The `sub` claim Kubernetes puts in the projected service-account token. */
    public String subject() {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }
}
