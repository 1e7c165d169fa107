package io.recoflow.operator.api.status;

/** Lifecycle of a ModelVersion as shown in the Phase column. */
public enum VersionPhase {
    Pending, Validating, Ready, RollingOut, Serving, RolledBack, Archived, Failed
}
