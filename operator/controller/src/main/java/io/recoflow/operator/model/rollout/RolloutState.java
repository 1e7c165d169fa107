package io.recoflow.operator.model.rollout;

import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.RecommendationModelStatus;
import java.time.Instant;

/**
 * The rollout-relevant part of RecommendationModel status, immutable so the state machine stays a pure function.
 * Times are kept in status as RFC 3339 strings.
 *
 * @param previous the version that served before {@code lastStable}, kept after a promotion so a sustained SLO
 *     breach of the promoted version can go back to it (status.previousStableSpec)
 * @param breachSince when the SLO watch of the serving version first saw it fail (null: no breach going on)
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
        Long lastFailed,
        Long previous,
        String previousUri,
        Instant breachSince) {

    public static final String BLUE = "blue";
    public static final String GREEN = "green";

    public static RolloutState initial() {
        return new RolloutState(ModelPhase.Pending, null, null, null, null, null, null, null, null, BLUE,
                null, null, null, null, null, null);
    }

    public static RolloutState of(RecommendationModelStatus s) {
        if (s == null || s.phase == null) {
            RolloutState init = initial();
            return s == null ? init : init.withLastFailed(s.lastFailedVersion);
        }
        String slot = s.activeSlot == null ? BLUE : s.activeSlot;
        String stableUri = s.lastStableSpec == null ? null : s.lastStableSpec.uri;
        Long previous = s.previousStableSpec == null ? null : s.previousStableSpec.version;
        String previousUri = s.previousStableSpec == null ? null : s.previousStableSpec.uri;
        if (s.phase == ModelPhase.Deploying || s.phase == ModelPhase.Failed) {
            // status shows the first version as the candidate: it does not serve yet (see ModelStatus)
            return new RolloutState(s.phase, s.candidateVersion, s.candidateUri, null, null, null, null,
                    time(s.stepStartedAt), time(s.stepReadyAt), slot, s.lastStableVersion, stableUri,
                    s.lastFailedVersion, previous, previousUri, time(s.breachSince));
        }
        return new RolloutState(s.phase, s.servingVersion, s.servingUri, s.candidateVersion, s.candidateUri,
                s.canaryWeight, s.rolloutStep, time(s.stepStartedAt), time(s.stepReadyAt), slot,
                s.lastStableVersion, stableUri, s.lastFailedVersion, previous, previousUri, time(s.breachSince));
    }

    public String idleSlot() {
        return BLUE.equals(activeSlot) ? GREEN : BLUE;
    }

    public boolean rollingOut() {
        return phase == ModelPhase.RollingOut && candidate != null;
    }

    RolloutState withLastFailed(Long v) {
        return new RolloutState(phase, serving, servingUri, candidate, candidateUri, weight, step, stepStartedAt,
                stepReadyAt, activeSlot, lastStable, lastStableUri, v, previous, previousUri, breachSince);
    }

    RolloutState withPhase(ModelPhase p) {
        return new RolloutState(p, serving, servingUri, candidate, candidateUri, weight, step, stepStartedAt,
                stepReadyAt, activeSlot, lastStable, lastStableUri, lastFailed, previous, previousUri, breachSince);
    }

    RolloutState withStepReadyAt(Instant t) {
        return new RolloutState(phase, serving, servingUri, candidate, candidateUri, weight, step, stepStartedAt, t,
                activeSlot, lastStable, lastStableUri, lastFailed, previous, previousUri, breachSince);
    }

    RolloutState withBreachSince(Instant t) {
        return new RolloutState(phase, serving, servingUri, candidate, candidateUri, weight, step, stepStartedAt,
                stepReadyAt, activeSlot, lastStable, lastStableUri, lastFailed, previous, previousUri, t);
    }

    RolloutState restartStep(Instant now) {
        return new RolloutState(phase, serving, servingUri, candidate, candidateUri, weight, step, now, null,
                activeSlot, lastStable, lastStableUri, lastFailed, previous, previousUri, breachSince);
    }

    private static Instant time(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
