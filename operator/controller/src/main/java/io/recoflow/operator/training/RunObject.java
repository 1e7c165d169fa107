package io.recoflow.operator.training;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * One training run as the cluster shows it, whichever engine runs it: a Job (jvm) or a SparkApplication (spark).
 *
 * @param version the run's version label: the Job's pods carry it
 * @param driverPod the SparkApplication's driver pod (null for a Job)
 */
record RunObject(String name, String created, boolean finished, boolean failed, String failure, String version,
        String driverPod) {

    static RunObject of(Job j) {
        var st = j.getStatus();
        boolean complete = st != null && st.getConditions() != null && st.getConditions().stream().anyMatch(c ->
                "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
        var failedCondition = st == null || st.getConditions() == null ? null : st.getConditions().stream()
                .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
        String failure = failedCondition == null ? null : "the Job failed after "
                + (st.getFailed() == null ? 0 : st.getFailed()) + " attempts: " + failedCondition.getReason()
                + (failedCondition.getMessage() == null ? "" : ": " + failedCondition.getMessage());
        return new RunObject(j.getMetadata().getName(), j.getMetadata().getCreationTimestamp() == null ? ""
                : j.getMetadata().getCreationTimestamp(), complete || failedCondition != null, failedCondition != null,
                failure, j.getMetadata().getLabels() == null ? null
                : j.getMetadata().getLabels().get(JobRenderer.VERSION_LABEL), null);
    }

    /** Whether the pod is one of this run's: a Job's attempt (by version label) or the Spark driver (by name). */
    boolean owns(Pod p) {
        if (driverPod != null) {
            return driverPod.equals(p.getMetadata().getName());
        }
        return version != null && p.getMetadata().getLabels() != null
                && version.equals(p.getMetadata().getLabels().get(JobRenderer.VERSION_LABEL));
    }
}
