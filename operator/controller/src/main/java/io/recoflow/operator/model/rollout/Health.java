package io.recoflow.operator.model.rollout;

/** Observed state of one Deployment slot, judged against what the current plan renders. */
public enum Health {
    /** Updated to the current rendering and all desired replicas are available. */
    AVAILABLE,
    /** Exists but is not (yet) serving the current rendering with all replicas. */
    PROGRESSING,
    /** Not there. */
    MISSING
}
