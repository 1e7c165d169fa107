package io.recoflow.operator.model.rollout;

import io.recoflow.operator.model.analysis.AnalysisResult;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The rollout state machine: a pure function from (state, policy, target, observed health, now) to the next state.
 * It never talks to Kubernetes, so every path (steps, pauses, deadline, rollback, abort) is unit-tested with a
 * fixed clock.
 *
 * <pre>
 * Pending --target--> Deploying --available--> Serving --new target--> RollingOut --last step paused--> Serving
 *                         | deadline   ^          ^                         |  deadline passed, or analysis Fail
 *                         v            | available+------ RolledBack <------+  (serving version kept)
 *                       Failed --------+
 * </pre>
 *
 * A canary step ends when its pause has passed <em>and</em> the analysis of the candidate says Pass (or Off). Fail
 * rolls back at once; Inconclusive (no data yet) waits, re-checking every {@link #ANALYSIS_RETRY}, for at most the
 * progress deadline counted from the end of the pause. After a promotion the serving version stays watched against
 * the SLO; a breach that lasts a whole window demotes it (Serving --SloBreachDemoted--> RolledBack, see
 * {@code watch}).
 */
public final class RolloutMachine {
    public static final Duration ANALYSIS_RETRY = Duration.ofSeconds(10);

    private RolloutMachine() {}

    /** Without analysis: canary steps advance on availability and pause time alone. */
    public static Decision decide(RolloutState s, RolloutPolicy policy, Target target, Health active, Health idle,
            Instant now) {
        return decide(s, policy, target, active, idle, now, v -> new AnalysisResult.Off("analysis off"));
    }

    /**
     * @param active health of the active slot against the current plan
     * @param idle health of the idle slot (only looked at during blue-green)
     * @param analysis judges a candidate version; called only when a canary step's pause has ended
     */
    public static Decision decide(RolloutState s, RolloutPolicy policy, Target target, Health active, Health idle,
            Instant now, LongFunction<AnalysisResult> analysis) {
        List<Transition> out = new ArrayList<>();
        Decision.Analyzed[] analyzed = new Decision.Analyzed[1];
        Step step = switch (s.phase()) {
            case Pending -> pending(s, policy, target, now, out);
            case Deploying, Failed -> deploying(s, policy, target, active, now, out);
            case Serving, RolledBack -> steady(s, policy, target, now, out, analysis, analyzed);
            case RollingOut -> rollingOut(s, policy, target, active, idle, now, out, analysis, analyzed);
        };
        return new Decision(step.state, List.copyOf(out), step.requeue, analyzed[0]);
    }

    private record Step(RolloutState state, Duration requeue) {}

    private static Step pending(RolloutState s, RolloutPolicy p, Target t, Instant now, List<Transition> out) {
        if (t == null) {
            return new Step(s, null);
        }
        return deploy(s, p, t, now, out);
    }

    private static Step deploy(RolloutState s, RolloutPolicy p, Target t, Instant now, List<Transition> out) {
        out.add(Transition.normal("Deploying", "Deploying version " + t.version()));
        RolloutState next = new RolloutState(ModelPhase.Deploying, t.version(), t.uri(), null, null, null, null, now,
                null, s.activeSlot(), s.lastStable(), s.lastStableUri(), null, s.previous(), s.previousUri(), null);
        return new Step(next, p.deadline());
    }

    private static Step deploying(RolloutState s, RolloutPolicy p, Target t, Health active, Instant now,
            List<Transition> out) {
        if (t != null && t.version() != s.serving()) {
            return deploy(s, p, t, now, out);
        }
        if (active == Health.AVAILABLE) {
            out.add(Transition.normal("Available", "Version " + s.serving() + " is serving"));
            return new Step(stable(s, s.activeSlot(), s.serving(), s.servingUri()), null);
        }
        if (s.phase() == ModelPhase.Failed) {
            return new Step(s, null); // Deployment events wake us if its pods come up after all
        }
        Instant deadline = s.stepStartedAt().plus(p.deadline());
        if (!now.isBefore(deadline)) {
            out.add(Transition.warning("ProgressDeadlineExceeded", "Version " + s.serving()
                    + " not available within " + p.deadline().toSeconds() + "s; nothing serves yet"));
            return new Step(s.withLastFailed(s.serving()).withPhase(ModelPhase.Failed), null);
        }
        return new Step(s, Duration.between(now, deadline));
    }

    /**
     * Whether a steady model (serving, no rollout under way) would start rolling {@code t} out: a target that is
     * neither what serves nor the version whose rollout failed (not retried until its stage changes).
     */
    public static boolean startsRollout(RolloutState s, Target t) {
        return t != null && t.version() != s.serving() && !Long.valueOf(t.version()).equals(s.lastFailed());
    }

    private static Step steady(RolloutState s, RolloutPolicy p, Target t, Instant now, List<Transition> out,
            LongFunction<AnalysisResult> analysis, Decision.Analyzed[] analyzed) {
        RolloutState cur = s;
        if (cur.lastFailed() != null && (t == null || t.version() != cur.lastFailed())) {
            cur = cur.withLastFailed(null);
        }
        if (!startsRollout(cur, t)) {
            return cur.phase() == ModelPhase.Serving ? watch(cur, p, now, out, analysis, analyzed)
                    : new Step(cur, null);
        }
        if (p.strategy() == Strategy.BLUE_GREEN) {
            out.add(Transition.normal("RolloutStarted", "Blue-green: bringing up version " + t.version()
                    + " in slot " + cur.idleSlot() + " next to version " + cur.serving()));
            return new Step(new RolloutState(ModelPhase.RollingOut, cur.serving(), cur.servingUri(), t.version(),
                    t.uri(), 0, null, now, null, cur.activeSlot(), cur.lastStable(), cur.lastStableUri(), null,
                    cur.previous(), cur.previousUri(), null), p.deadline());
        }
        RolloutPolicy.Step first = p.steps().get(0);
        out.add(Transition.normal("RolloutStarted", "Canary of version " + t.version() + ": step 1/"
                + p.steps().size() + ", " + first.weight() + "% of traffic"));
        return new Step(new RolloutState(ModelPhase.RollingOut, cur.serving(), cur.servingUri(), t.version(), t.uri(),
                first.weight(), 0, now, null, cur.activeSlot(), cur.lastStable(), cur.lastStableUri(), null,
                cur.previous(), cur.previousUri(), null), p.deadline());
    }

    /**
     * The SLO watch of a promoted version (Serving, with the version before it kept). A breach is sustained when a
     * look fails at least one {@code spec.slo.window} after the first failing one with no passing look between:
     * then the version is demoted to the one before, as a failed canary is rolled back. Inconclusive (no data,
     * Prometheus away) neither starts, clears nor completes a breach. Looks come every window (and on any other
     * reconcile); only a failing look, or the pass that ends a breach, is recorded, so a healthy model's status
     * does not change with every look.
     */
    private static Step watch(RolloutState s, RolloutPolicy p, Instant now, List<Transition> out,
            LongFunction<AnalysisResult> analysis, Decision.Analyzed[] analyzed) {
        if (s.previous() == null || s.previous().equals(s.serving())) {
            return new Step(s.withBreachSince(null), null);
        }
        AnalysisResult result = analysis.apply(s.serving());
        if (result instanceof AnalysisResult.Off) {
            return new Step(s.withBreachSince(null), null);
        }
        if (result instanceof AnalysisResult.Inconclusive) {
            return new Step(s, p.window());
        }
        if (result instanceof AnalysisResult.Pass) {
            if (s.breachSince() != null) {
                analyzed[0] = new Decision.Analyzed(s.serving(), null, result);
            }
            return new Step(s.withBreachSince(null), p.window());
        }
        analyzed[0] = new Decision.Analyzed(s.serving(), null, result);
        Instant since = s.breachSince() == null ? now : s.breachSince();
        Instant due = since.plus(p.window());
        if (now.isBefore(due)) {
            return new Step(s.withBreachSince(since), Duration.between(now, due));
        }
        out.add(Transition.warning("SloBreachDemoted", "Version " + s.serving() + " broke the SLO for "
                + Duration.between(since, now).toSeconds() + "s (" + result.message() + "); restored version "
                + s.previous()));
        return new Step(demoted(s), null);
    }

    private static Step rollingOut(RolloutState s, RolloutPolicy p, Target t, Health active, Health idle,
            Instant now, List<Transition> out, LongFunction<AnalysisResult> analysis, Decision.Analyzed[] analyzed) {
        if (t == null || t.version() != s.candidate()) {
            out.add(Transition.normal("RolloutAborted", "Version " + s.candidate()
                    + " is no longer the production target; keeping version " + s.serving()));
            RolloutState back = new RolloutState(ModelPhase.Serving, s.serving(), s.servingUri(), null, null, null,
                    null, null, null, s.activeSlot(), s.lastStable(), s.lastStableUri(), null, s.previous(),
                    s.previousUri(), null);
            return steady(back, p, t, now, out, analysis, analyzed);
        }
        return p.strategy() == Strategy.BLUE_GREEN
                ? blueGreen(s, p, idle, now, out)
                : canary(s, p, active, now, out, analysis, analyzed);
    }

    private static Step canary(RolloutState s, RolloutPolicy p, Health active, Instant now, List<Transition> out,
            LongFunction<AnalysisResult> analysis, Decision.Analyzed[] analyzed) {
        int index = s.step() == null ? 0 : Math.min(s.step(), p.steps().size() - 1);
        RolloutState cur = s;
        if (cur.stepReadyAt() == null) {
            if (active != Health.AVAILABLE) {
                return waitOrRollback(cur, p, now, out);
            }
            cur = cur.withStepReadyAt(now);
        } else if (active != Health.AVAILABLE) {
            out.add(Transition.warning("Unavailable", "Serving Deployment lost availability at step " + (index + 1)
                    + "; waiting up to " + p.deadline().toSeconds() + "s"));
            return new Step(cur.restartStep(now), p.deadline());
        }
        Instant pauseEnd = cur.stepReadyAt().plus(p.steps().get(index).pause());
        if (now.isBefore(pauseEnd)) {
            return new Step(cur, Duration.between(now, pauseEnd));
        }
        AnalysisResult result = analysis.apply(cur.candidate());
        analyzed[0] = new Decision.Analyzed(cur.candidate(), index, result);
        if (result instanceof AnalysisResult.Fail) {
            out.add(Transition.warning("AnalysisFailed", "Canary step " + (index + 1) + " of version "
                    + cur.candidate() + " broke the SLO (" + result.message() + "); restored version "
                    + cur.serving()));
            return new Step(rolledBack(cur), null);
        }
        if (result instanceof AnalysisResult.Inconclusive) {
            Instant deadline = pauseEnd.plus(p.deadline());
            if (!now.isBefore(deadline)) {
                out.add(Transition.warning("AnalysisInconclusive", "Canary step " + (index + 1) + " of version "
                        + cur.candidate() + " could not be judged within " + p.deadline().toSeconds() + "s ("
                        + result.message() + "); restored version " + cur.serving()));
                return new Step(rolledBack(cur), null);
            }
            Duration left = Duration.between(now, deadline);
            return new Step(cur, left.compareTo(ANALYSIS_RETRY) < 0 ? left : ANALYSIS_RETRY);
        }
        if (index + 1 < p.steps().size()) {
            RolloutPolicy.Step step = p.steps().get(index + 1);
            out.add(Transition.normal("CanaryStep", "Canary of version " + cur.candidate() + ": step " + (index + 2)
                    + "/" + p.steps().size() + ", " + step.weight() + "% of traffic"));
            return new Step(new RolloutState(ModelPhase.RollingOut, cur.serving(), cur.servingUri(), cur.candidate(),
                    cur.candidateUri(), step.weight(), index + 1, now, null, cur.activeSlot(), cur.lastStable(),
                    cur.lastStableUri(), null, cur.previous(), cur.previousUri(), null), Duration.ZERO);
        }
        out.add(Transition.normal("Promoted", "Version " + cur.candidate() + " takes all traffic (was "
                + cur.serving() + ")"));
        return new Step(stable(cur, cur.activeSlot(), cur.candidate(), cur.candidateUri()), null);
    }

    private static Step blueGreen(RolloutState s, RolloutPolicy p, Health idle, Instant now, List<Transition> out) {
        if (idle == Health.AVAILABLE) {
            out.add(Transition.normal("Promoted", "Service switched to slot " + s.idleSlot() + " serving version "
                    + s.candidate() + " (was " + s.serving() + ")"));
            return new Step(stable(s, s.idleSlot(), s.candidate(), s.candidateUri()), null);
        }
        return waitOrRollback(s, p, now, out);
    }

    private static Step waitOrRollback(RolloutState s, RolloutPolicy p, Instant now, List<Transition> out) {
        Instant deadline = s.stepStartedAt().plus(p.deadline());
        if (now.isBefore(deadline)) {
            return new Step(s, Duration.between(now, deadline));
        }
        out.add(Transition.warning("RolledBack", "Version " + s.candidate() + " not available within "
                + p.deadline().toSeconds() + "s; restored version " + s.serving()));
        return new Step(rolledBack(s), null);
    }

    /** Back to the serving version; the candidate is remembered as failed so it is not retried. */
    private static RolloutState rolledBack(RolloutState s) {
        return new RolloutState(ModelPhase.RolledBack, s.serving(), s.servingUri(), null, null, null, null, null,
                null, s.activeSlot(), s.lastStable(), s.lastStableUri(), s.candidate(), s.previous(), s.previousUri(),
                null);
    }

    /** The serving version broke its SLO for a whole window: back to the one before, which is stable again. */
    private static RolloutState demoted(RolloutState s) {
        return new RolloutState(ModelPhase.RolledBack, s.previous(), s.previousUri(), null, null, null, null, null,
                null, s.activeSlot(), s.previous(), s.previousUri(), s.serving(), null, null, null);
    }

    /** {@code version} serves all traffic; a promotion remembers what served before it (the demotion target). */
    private static RolloutState stable(RolloutState s, String slot, long version, String uri) {
        boolean promoted = s.serving() != null && s.serving() != version;
        return new RolloutState(ModelPhase.Serving, version, uri, null, null, null, null, null, null, slot, version,
                uri, null, promoted ? s.serving() : s.previous(), promoted ? s.servingUri() : s.previousUri(), null);
    }
}
