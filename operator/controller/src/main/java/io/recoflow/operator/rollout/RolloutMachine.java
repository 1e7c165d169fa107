package io.recoflow.operator.rollout;

import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollout state machine: a pure function from (state, policy, target, observed health, now) to the next state.
 * It never talks to Kubernetes, so every path (steps, pauses, deadline, rollback, abort) is unit-tested with a
 * fixed clock.
 *
 * <pre>
 * Pending --target--> Deploying --available--> Serving --new target--> RollingOut --last step paused--> Serving
 *                                                 ^                         |  deadline passed
 *                                                 +------ RolledBack <------+  (serving version kept)
 * </pre>
 */
public final class RolloutMachine {
    private RolloutMachine() {}

    /**
     * @param active health of the active slot against the current plan
     * @param idle health of the idle slot (only looked at during blue-green)
     */
    public static Decision decide(RolloutState s, RolloutPolicy policy, Target target, Health active, Health idle,
            Instant now) {
        List<Transition> out = new ArrayList<>();
        Step step = switch (s.phase()) {
            case Pending -> pending(s, policy, target, now, out);
            case Deploying -> deploying(s, policy, target, active, now, out);
            case Serving, RolledBack -> steady(s, policy, target, now, out);
            case RollingOut -> rollingOut(s, policy, target, active, idle, now, out);
        };
        return new Decision(step.state, List.copyOf(out), step.requeue);
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
                null, s.activeSlot(), s.lastStable(), s.lastStableUri(), null);
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
        Instant deadline = s.stepStartedAt().plus(p.deadline());
        if (!now.isBefore(deadline)) {
            if (!s.serving().equals(s.lastFailed())) {
                out.add(Transition.warning("ProgressDeadlineExceeded", "Version " + s.serving()
                        + " not available within " + p.deadline().toSeconds() + "s"));
            }
            return new Step(s.withLastFailed(s.serving()), null);
        }
        return new Step(s, Duration.between(now, deadline));
    }

    private static Step steady(RolloutState s, RolloutPolicy p, Target t, Instant now, List<Transition> out) {
        RolloutState cur = s;
        if (cur.lastFailed() != null && (t == null || t.version() != cur.lastFailed())) {
            cur = cur.withLastFailed(null);
        }
        if (t == null || t.version() == cur.serving() || Long.valueOf(t.version()).equals(cur.lastFailed())) {
            return new Step(cur, null);
        }
        if (p.strategy() == Strategy.BLUE_GREEN) {
            out.add(Transition.normal("RolloutStarted", "Blue-green: bringing up version " + t.version()
                    + " in slot " + cur.idleSlot() + " next to version " + cur.serving()));
            return new Step(new RolloutState(ModelPhase.RollingOut, cur.serving(), cur.servingUri(), t.version(),
                    t.uri(), 0, null, now, null, cur.activeSlot(), cur.lastStable(), cur.lastStableUri(), null),
                    p.deadline());
        }
        RolloutPolicy.Step first = p.steps().get(0);
        out.add(Transition.normal("RolloutStarted", "Canary of version " + t.version() + ": step 1/"
                + p.steps().size() + ", " + first.weight() + "% of traffic"));
        return new Step(new RolloutState(ModelPhase.RollingOut, cur.serving(), cur.servingUri(), t.version(), t.uri(),
                first.weight(), 0, now, null, cur.activeSlot(), cur.lastStable(), cur.lastStableUri(), null),
                p.deadline());
    }

    private static Step rollingOut(RolloutState s, RolloutPolicy p, Target t, Health active, Health idle,
            Instant now, List<Transition> out) {
        if (t == null || t.version() != s.candidate()) {
            out.add(Transition.normal("RolloutAborted", "Version " + s.candidate()
                    + " is no longer the production target; keeping version " + s.serving()));
            RolloutState back = new RolloutState(ModelPhase.Serving, s.serving(), s.servingUri(), null, null, null,
                    null, null, null, s.activeSlot(), s.lastStable(), s.lastStableUri(), null);
            Step next = steady(back, p, t, now, out);
            return next;
        }
        return p.strategy() == Strategy.BLUE_GREEN
                ? blueGreen(s, p, idle, now, out)
                : canary(s, p, active, now, out);
    }

    private static Step canary(RolloutState s, RolloutPolicy p, Health active, Instant now, List<Transition> out) {
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
        if (index + 1 < p.steps().size()) {
            RolloutPolicy.Step step = p.steps().get(index + 1);
            out.add(Transition.normal("CanaryStep", "Canary of version " + cur.candidate() + ": step " + (index + 2)
                    + "/" + p.steps().size() + ", " + step.weight() + "% of traffic"));
            return new Step(new RolloutState(ModelPhase.RollingOut, cur.serving(), cur.servingUri(), cur.candidate(),
                    cur.candidateUri(), step.weight(), index + 1, now, null, cur.activeSlot(), cur.lastStable(),
                    cur.lastStableUri(), null), Duration.ZERO);
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
        return new Step(new RolloutState(ModelPhase.RolledBack, s.serving(), s.servingUri(), null, null, null, null,
                null, null, s.activeSlot(), s.lastStable(), s.lastStableUri(), s.candidate()), null);
    }

    private static RolloutState stable(RolloutState s, String slot, long version, String uri) {
        return new RolloutState(ModelPhase.Serving, version, uri, null, null, null, null, null, null, slot, version,
                uri, null);
    }
}
