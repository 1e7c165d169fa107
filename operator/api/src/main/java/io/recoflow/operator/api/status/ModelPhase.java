package io.recoflow.operator.api.status;

/** Lifecycle of a RecommendationModel as shown in the Phase column. */
public enum ModelPhase {
    /** No production version is available yet. */
    Pending,
    /** The first production version is coming up. */
    Deploying,
    /** A promoted version is being rolled out next to the serving one. */
    RollingOut,
    /** One version serves all traffic and is available. */
    Serving,
    /** The last rollout failed and the last stable version was restored. */
    RolledBack,
    /** The first version did not become available within the progress deadline; nothing serves yet. */
    Failed
}
