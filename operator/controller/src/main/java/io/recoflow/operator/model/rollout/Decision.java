package io.recoflow.operator.model.rollout;

import io.recoflow.operator.model.analysis.AnalysisResult;
import java.time.Duration;
import java.util.List;

/**
 * What the state machine decided: the next state, the transitions to announce, when to look again
 * ({@code null}: only when something changes), and the analysis to record in status ({@code null}: none ran, or
 * one not worth a status write: the SLO watch's routine passes).
 */
public record Decision(RolloutState next, List<Transition> transitions, Duration requeue, Analyzed analysis) {
    /** One analysis of {@code version}: closing canary step {@code step} (0-based), or the SLO watch (null). */
    public record Analyzed(long version, Integer step, AnalysisResult result) {}
}
