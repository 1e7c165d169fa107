package io.recoflow.operator.model.rollout;

import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Slo;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.model.analysis.Queries;
import java.time.Duration;
import java.util.List;

/**
 * The rollout part of the spec with defaults filled in: absent rollout means one canary step straight to 100%.
 * {@code window} is {@code spec.slo.window}: how long a breach of the serving version must last to demote it.
 */
public record RolloutPolicy(Strategy strategy, List<Step> steps, Duration deadline, Duration window) {
    public record Step(int weight, Duration pause) {}

    public static RolloutPolicy of(Rollout rollout, Slo slo) {
        Duration window = Queries.duration(Queries.of(slo).window());
        if (rollout == null) {
            return new RolloutPolicy(Strategy.CANARY, List.of(new Step(100, Duration.ZERO)),
                    Duration.ofSeconds(Rollout.DEFAULT_DEADLINE_SECONDS), window);
        }
        Strategy strategy = rollout.strategy == null ? Strategy.CANARY : rollout.strategy;
        List<Step> steps = rollout.steps == null || rollout.steps.isEmpty()
                ? List.of(new Step(100, Duration.ZERO))
                : rollout.steps.stream().map(RolloutPolicy::step).toList();
        int deadline = rollout.progressDeadlineSeconds == null
                ? Rollout.DEFAULT_DEADLINE_SECONDS : rollout.progressDeadlineSeconds;
        return new RolloutPolicy(strategy, steps, Duration.ofSeconds(deadline), window);
    }

    private static Step step(CanaryStep s) {
        return new Step(s.weight, Duration.ofSeconds(s.pauseSeconds == null ? 0 : s.pauseSeconds));
    }
}
