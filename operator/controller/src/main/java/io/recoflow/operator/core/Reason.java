package io.recoflow.operator.core;

/**
 * Every reason the operator writes into a condition or an Event, for every kind: one list, so `kubectl describe`,
 * the Argo CD health checks and the docs agree on spelling. The constant's name is the reason as written.
 */
public enum Reason {
    // any kind
    InvalidSpec,
    SpecValid,
    ApplyFailed,
    Applied,
    AsExpected,
    // RecommendationModel
    NoProductionVersion,
    Deploying,
    Available,
    Unavailable,
    Serving,
    ServingDuringRollout,
    ServingDuringUpdate,
    RolloutInProgress,
    RolloutStarted,
    RolloutAborted,
    CanaryStep,
    Promoted,
    PodTemplateUpdate,
    ProgressDeadlineExceeded,
    Stable,
    AnalysisFailed,
    AnalysisInconclusive,
    RolledBack,
    UpdateStalled,
    WaitingForExperiment,
    // placement (any kind placed in member clusters)
    ClusterFailover,
    ClusterRestored,
    ClusterNotUsable,
    // ModelVersion
    ModelNotFound,
    ArtifactResolved,
    ArtifactNotFound,
    ArtifactInvalid,
    RegistryNotConfigured,
    RegistryUnavailable,
    RollingOut,
    Ready,
    Archived,
    // ClusterTarget
    Reachable,
    Unreachable,
    CredentialsRejected,
    SecretNotFound,
    KubeconfigInvalid,
    // ABExperiment
    ModelNotServing,
    WaitingForRollout,
    ExperimentConflict,
    UnknownModelVersion,
    ForeignModelVersion,
    VersionNotReady,
    WaitingForSplit,
    ExperimentStarted,
    ExperimentRunning,
    MetricsUnavailable,
    GuardrailBreached,
    SampleRatioMismatch,
    ExperimentConcluded,
    ExperimentInconclusive,
    ExperimentPromoted,
    ChampionAliasMoved,
    SplitEnded
}
