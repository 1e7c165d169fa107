package io.recoflow.operator.api.experiment;

/** Where an ABExperiment is; all but Pending and Running are final (a new experiment is a new object). */
public enum ExperimentPhase {
    Pending,
    Running,
    Concluded,
    Stopped,
    SampleRatioMismatch,
    Inconclusive;

    public boolean done() {
        return this != Pending && this != Running;
    }
}
