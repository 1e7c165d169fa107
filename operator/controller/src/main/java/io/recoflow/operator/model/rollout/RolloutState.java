package io.recoflow.operator.model.rollout;

import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.RecommendationModelStatus;
import java.time.Instant;

/**
 * The rollout-relevant part of RecommendationModel status, immutable so the state machine stays a pure function.
 * Times are kept in status as RFC 3339 strings.
 */
public record RolloutState(
        ModelPhase phase,
        Long serving,
        String servingUri,
        Long candidate,
        String candidateUri,
        Integer weight,
        Integer step,
        Instant stepStartedAt,
        Instant stepReadyAt,
        String activeSlot,
        Long lastStable,
        String lastStableUri,
        Long lastFailed) {

    public static final String BLUE = "blue";
    public static final String GREEN = "green";

    public static RolloutState initial() {
        return new RolloutState(ModelPhase.Pending, null, null, null, null, null, null, null, null, BLUE,
                null, null, null);
    }

    public static RolloutState of(RecommendationModelStatus s) {
        if (s == null || s.phase == null) {
            RolloutState init = initial();
            return s == null ? init : init.withLastFailed(s.lastFailedVersion);
        }
        if (s.phase == ModelPhase.Deploying || s.phase == ModelPhase.Failed) {
            // status shows the first version as the candidate: it does not serve yet (see ModelStatus)
            return new RolloutState(s.phase, s.candidateVersion, s.candidateUri, null, null, null, null,
                    time(s.stepStartedAt), time(s.stepReadyAt), s.activeSlot == null ? BLUE : s.activeSlot,
                    s.lastStableVersion, s.lastStableSpec == null ? null : s.lastStableSpec.uri, s.lastFailedVersion);
        }
        return new RolloutState(s.phase, s.servingVersion, s.servingUri, s.candidateVersion, s.candidateUri,
                s.canaryWeight, s.rolloutStep, time(s.stepStartedAt), time(s.stepReadyAt),
                s.activeSlot == null ? BLUE : s.activeSlot, s.lastStableVersion,
                s.lastStableSpec == null ? null : s.lastStableSpec.uri, s.lastFailedVersion);
    }

    public String idleSlot() {
        return BLUE.equals(activeSlot) ? GREEN : BLUE;
    }

    public boolean rollingOut() {
        return phase == ModelPhase.RollingOut && candidate != null;
    }

    RolloutState withLastFailed(Long v) {
        return new RolloutState(phase, serving, servingUri, candidate, candidateUri, weight, step, stepStartedAt,
                stepReadyAt, activeSlot, lastStable, lastStableUri, v);
    }

    RolloutState withPhase(ModelPhase p) {
        return new RolloutState(p, serving, servingUri, candidate, candidateUri, weight, step, stepStartedAt,
                stepReadyAt, activeSlot, lastStable, lastStableUri, lastFailed);
    }

    RolloutState withStepReadyAt(Instant t) {
        return new RolloutState(phase, serving, servingUri, candidate, candidateUri, weight, step, stepStartedAt, t,
                activeSlot, lastStable, lastStableUri, lastFailed);
    }

    RolloutState restartStep(Instant now) {
        return new RolloutState(phase, serving, servingUri, candidate, candidateUri, weight, step, now, null,
                activeSlot, lastStable, lastStableUri, lastFailed);
    }

    private static Instant time(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
