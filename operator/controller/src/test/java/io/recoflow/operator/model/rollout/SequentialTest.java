package io.recoflow.operator.model.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequentialTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final List<String> CLUSTERS = List.of("eks-prod", "aks-prod");

    static RolloutPolicy policy() {
        Rollout r = new Rollout();
        r.strategy = Strategy.CANARY;
        r.progressDeadlineSeconds = 60;
        r.steps = List.of(new CanaryStep(50, 0), new CanaryStep(100, 0));
        return RolloutPolicy.of(r, null);
    }

    static RolloutState serving() {
        return new RolloutState(ModelPhase.Serving, 1L, "file:///m", null, null, null, null, null, null, "blue", 1L,
                "file:///m", null, null, null, null);
    }

    @Test
    void theLastStepOnTheFirstClusterStartsTheStepsOnTheNextInsteadOfPromoting() {
        RolloutPolicy p = policy();
        Decision started = RolloutMachine.decide(serving(), p, new Target(2, "file:///m"), Health.AVAILABLE,
                Health.MISSING, T0);
        Sequential.Step s = Sequential.next(started, serving(), null, 2, p, CLUSTERS, T0);
        assertThat(s.cluster()).isZero();
        RolloutState rolling = s.decision().next();
        // cluster 0 runs the canary, cluster 1 still serves v1 alone
        assertThat(ServingPlan.of(Sequential.forCluster(rolling, 0, 0), Strategy.CANARY).active().canary())
                .isEqualTo(2L);
        assertThat(ServingPlan.of(Sequential.forCluster(rolling, 1, 0), Strategy.CANARY).active().versions())
                .containsExactly(1L);

        RolloutState last = new RolloutState(ModelPhase.RollingOut, 1L, "file:///m", 2L, "file:///m", 100, 1, T0, T0,
                "blue", 1L, "file:///m", null, null, null, null);
        Decision promote = RolloutMachine.decide(last, p, new Target(2, "file:///m"), Health.AVAILABLE,
                Health.MISSING, T0.plusSeconds(1));
        assertThat(promote.next().phase()).isEqualTo(ModelPhase.Serving);
        Sequential.Step next = Sequential.next(promote, last, 0, 2, p, CLUSTERS, T0.plusSeconds(1));
        assertThat(next.cluster()).isEqualTo(1);
        assertThat(next.decision().next().phase()).isEqualTo(ModelPhase.RollingOut);
        assertThat(next.decision().next().weight()).isEqualTo(50);
        assertThat(next.decision().transitions()).extracting(Transition::reason).containsExactly("CanaryStep");
        // now cluster 0 serves v2 alone, cluster 1 runs the canary
        assertThat(ServingPlan.of(Sequential.forCluster(next.decision().next(), 0, 1), Strategy.CANARY).active()
                .versions()).containsExactly(2L);
        assertThat(ServingPlan.of(Sequential.forCluster(next.decision().next(), 1, 1), Strategy.CANARY).active()
                .canary()).isEqualTo(2L);

        Sequential.Step done = Sequential.next(promote, last, 1, 2, p, CLUSTERS, T0.plusSeconds(2));
        assertThat(done.cluster()).isNull();
        assertThat(done.decision().next().phase()).isEqualTo(ModelPhase.Serving);
    }

    @Test
    void aRollbackOnAnyClusterSendsEveryClusterBackToTheStableVersion() {
        RolloutPolicy p = policy();
        RolloutState onSecond = new RolloutState(ModelPhase.RollingOut, 1L, "file:///m", 2L, "file:///m", 50, 0, T0,
                null, "blue", 1L, "file:///m", null, null, null, null);
        Decision late = RolloutMachine.decide(onSecond, p, new Target(2, "file:///m"), Health.PROGRESSING,
                Health.MISSING, T0.plusSeconds(61));
        Sequential.Step s = Sequential.next(late, onSecond, 1, 2, p, CLUSTERS, T0.plusSeconds(61));
        assertThat(s.decision().next().phase()).isEqualTo(ModelPhase.RolledBack);
        assertThat(s.cluster()).isNull();
        for (int i = 0; i < 2; i++) {
            assertThat(ServingPlan.of(Sequential.forCluster(s.decision().next(), i, null), Strategy.CANARY).active()
                    .versions()).containsExactly(1L);
        }
    }
}
