package io.recoflow.operator.model.rollout;

/**
 * A pod-template change rolling through the active slot's Deployment outside a model rollout: a new image,
 * resources or runtime settings. Kubernetes rolls it (maxUnavailable 0, so the previous pods keep serving) and
 * reports a stall through the Deployment's progress deadline, which the operator sets from
 * {@code rollout.progressDeadlineSeconds}.
 */
public enum PodUpdate {
    /** The Deployment runs the current pod template. */
    NONE,
    /** New pods are coming up. */
    ROLLING,
    /** The Deployment controller gave up waiting (condition Progressing=False, ProgressDeadlineExceeded). */
    STALLED
}
