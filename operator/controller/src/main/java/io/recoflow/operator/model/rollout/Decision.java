package io.recoflow.operator.model.rollout;

import io.recoflow.operator.model.analysis.AnalysisResult;
import java.time.Duration;
import java.util.List;

/**
 * What the state machine decided: the next state, the transitions to announce, when to look again
 * ({@code null}: only when something changes), and the canary analysis run this time ({@code null}: none ran).
 */
public record Decision(RolloutState next, List<Transition> transitions, Duration requeue, Analyzed analysis) {
    /** One analysis of {@code version} closing canary step {@code step} (0-based). */
    public record Analyzed(long version, int step, AnalysisResult result) {}
}
