package io.recoflow.operator.model.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.model.analysis.AnalysisResult;
import io.recoflow.operator.model.analysis.AnalysisResult.Measured;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutMachineTest {
    static final Instant T0 = Instant.parse("2026-11-25T07:00:00Z");
    static final RolloutPolicy CANARY = new RolloutPolicy(Strategy.CANARY, List.of(
            new RolloutPolicy.Step(10, Duration.ofSeconds(60)),
            new RolloutPolicy.Step(50, Duration.ofSeconds(60)),
            new RolloutPolicy.Step(100, Duration.ZERO)), Duration.ofSeconds(120), Duration.ofSeconds(60));
    static final RolloutPolicy BLUE_GREEN = new RolloutPolicy(Strategy.BLUE_GREEN, List.of(),
            Duration.ofSeconds(120), Duration.ofSeconds(60));
    static final Target V1 = new Target(1, "s3://m/recs");
    static final Target V2 = new Target(2, "s3://m/recs");

    static RolloutState serving(long v) {
        return new RolloutState(ModelPhase.Serving, v, "s3://m/recs", null, null, null, null, null, null, "blue", v,
                "s3://m/recs", null, null, null, null);
    }

    static Decision decide(RolloutState s, RolloutPolicy p, Target t, Health active, Health idle, Instant now) {
        return RolloutMachine.decide(s, p, t, active, idle, now);
    }

    @Test
    void pendingWithoutTargetStaysPending() {
        Decision d = decide(RolloutState.initial(), CANARY, null, Health.MISSING, Health.MISSING, T0);
        assertThat(d.next().phase()).isEqualTo(ModelPhase.Pending);
        assertThat(d.transitions()).isEmpty();
        assertThat(d.requeue()).isNull();
    }

    @Test
    void firstVersionDeploysThenServesWhenAvailable() {
        Decision d = decide(RolloutState.initial(), CANARY, V1, Health.MISSING, Health.MISSING, T0);
        assertThat(d.next().phase()).isEqualTo(ModelPhase.Deploying);
        assertThat(d.next().serving()).isEqualTo(1L);
        assertThat(d.requeue()).isEqualTo(Duration.ofSeconds(120));

        Decision waiting = decide(d.next(), CANARY, V1, Health.PROGRESSING, Health.MISSING, T0.plusSeconds(20));
        assertThat(waiting.next().phase()).isEqualTo(ModelPhase.Deploying);
        assertThat(waiting.requeue()).isEqualTo(Duration.ofSeconds(100));

        Decision up = decide(d.next(), CANARY, V1, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(30));
        assertThat(up.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(up.next().lastStable()).isEqualTo(1L);
        assertThat(up.transitions()).extracting(Transition::reason).containsExactly("Available");
    }

    @Test
    void firstVersionPastDeadlineFailsOnceAndServesIfItsPodsComeUpLater() {
        RolloutState deploying = decide(RolloutState.initial(), CANARY, V1, Health.MISSING, Health.MISSING, T0)
                .next();
        Decision late = decide(deploying, CANARY, V1, Health.PROGRESSING, Health.MISSING, T0.plusSeconds(121));
        assertThat(late.next().phase()).isEqualTo(ModelPhase.Failed);
        assertThat(late.next().lastFailed()).isEqualTo(1L);
        assertThat(late.requeue()).isNull();
        assertThat(late.transitions()).singleElement().satisfies(t -> assertThat(t.warning()).isTrue());
        Decision again = decide(late.next(), CANARY, V1, Health.PROGRESSING, Health.MISSING, T0.plusSeconds(200));
        assertThat(again.next().phase()).isEqualTo(ModelPhase.Failed);
        assertThat(again.transitions()).isEmpty();
        Decision up = decide(again.next(), CANARY, V1, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(900));
        assertThat(up.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(up.next().serving()).isEqualTo(1L);
    }

    @Test
    void canaryWalksTheStepsHonouringPausesAndPromotes() {
        Decision start = decide(serving(1), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0);
        RolloutState s = start.next();
        assertThat(s.phase()).isEqualTo(ModelPhase.RollingOut);
        assertThat(s.candidate()).isEqualTo(2L);
        assertThat(s.weight()).isEqualTo(10);
        assertThat(s.step()).isEqualTo(0);
        assertThat(start.transitions()).extracting(Transition::reason).containsExactly("RolloutStarted");

        // pods of the new config not ready yet: wait for the deadline
        Decision notReady = decide(s, CANARY, V2, Health.PROGRESSING, Health.MISSING, T0.plusSeconds(5));
        assertThat(notReady.next()).isEqualTo(s);
        assertThat(notReady.requeue()).isEqualTo(Duration.ofSeconds(115));

        // ready at t=10: the 60 s pause starts then
        Decision ready = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(10));
        s = ready.next();
        assertThat(s.stepReadyAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(ready.requeue()).isEqualTo(Duration.ofSeconds(60));

        Decision paused = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(69));
        assertThat(paused.next().weight()).isEqualTo(10);
        assertThat(paused.requeue()).isEqualTo(Duration.ofSeconds(1));

        Decision step2 = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(70));
        s = step2.next();
        assertThat(s.weight()).isEqualTo(50);
        assertThat(s.step()).isEqualTo(1);
        assertThat(s.stepReadyAt()).isNull();
        assertThat(step2.transitions()).extracting(Transition::reason).containsExactly("CanaryStep");

        s = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(71)).next();
        s = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(131)).next();
        assertThat(s.weight()).isEqualTo(100);

        // last step has no pause: the next look promotes
        Decision done = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(132));
        assertThat(done.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(done.next().serving()).isEqualTo(2L);
        assertThat(done.next().candidate()).isNull();
        assertThat(done.next().weight()).isNull();
        assertThat(done.next().lastStable()).isEqualTo(2L);
        assertThat(done.transitions()).extracting(Transition::reason).containsExactly("Promoted");
    }

    @Test
    void canaryPastDeadlineRollsBackAndDoesNotRetryTheSameVersion() {
        RolloutState s = decide(serving(1), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0).next();
        Decision rb = decide(s, CANARY, V2, Health.PROGRESSING, Health.MISSING, T0.plusSeconds(120));
        assertThat(rb.next().phase()).isEqualTo(ModelPhase.RolledBack);
        assertThat(rb.next().serving()).isEqualTo(1L);
        assertThat(rb.next().candidate()).isNull();
        assertThat(rb.next().lastFailed()).isEqualTo(2L);
        assertThat(rb.transitions()).singleElement().satisfies(t -> {
            assertThat(t.warning()).isTrue();
            assertThat(t.reason()).isEqualTo("RolledBack");
        });

        Decision later = decide(rb.next(), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(999));
        assertThat(later.next()).isEqualTo(rb.next());

        // withdrawn (stage changed) then promoted again: a fresh attempt
        RolloutState cleared = decide(rb.next(), CANARY, V1, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(1000))
                .next();
        assertThat(cleared.lastFailed()).isNull();
        Decision retry = decide(cleared, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(1001));
        assertThat(retry.next().phase()).isEqualTo(ModelPhase.RollingOut);
    }

    @Test
    void losingAvailabilityDuringAPauseRestartsTheStepClock() {
        RolloutState s = decide(serving(1), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0).next();
        s = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(1)).next();
        Decision lost = decide(s, CANARY, V2, Health.PROGRESSING, Health.MISSING, T0.plusSeconds(30));
        assertThat(lost.next().stepReadyAt()).isNull();
        assertThat(lost.next().stepStartedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(lost.transitions()).singleElement().satisfies(t -> assertThat(t.warning()).isTrue());
    }

    @Test
    void supersededCandidateAbortsAndStartsTheNewOne() {
        RolloutState s = decide(serving(1), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0).next();
        Target v3 = new Target(3, "s3://m/recs");
        Decision d = decide(s, CANARY, v3, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(5));
        assertThat(d.next().candidate()).isEqualTo(3L);
        assertThat(d.next().weight()).isEqualTo(10);
        assertThat(d.transitions()).extracting(Transition::reason).containsExactly("RolloutAborted", "RolloutStarted");

        Decision withdrawn = decide(s, CANARY, V1, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(5));
        assertThat(withdrawn.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(withdrawn.next().candidate()).isNull();
    }

    @Test
    void blueGreenSwitchesSlotOnceIdleIsAvailableOrRollsBack() {
        Decision start = decide(serving(1), BLUE_GREEN, V2, Health.AVAILABLE, Health.MISSING, T0);
        RolloutState s = start.next();
        assertThat(s.phase()).isEqualTo(ModelPhase.RollingOut);
        ServingPlan plan = ServingPlan.of(s, Strategy.BLUE_GREEN);
        assertThat(plan.slots()).extracting(SlotPlan::slot).containsExactly("blue", "green");
        assertThat(plan.slot("green").versions()).containsExactly(2L);
        assertThat(plan.active().versions()).containsExactly(1L);

        Decision wait = decide(s, BLUE_GREEN, V2, Health.AVAILABLE, Health.PROGRESSING, T0.plusSeconds(30));
        assertThat(wait.next().activeSlot()).isEqualTo("blue");

        Decision switched = decide(s, BLUE_GREEN, V2, Health.AVAILABLE, Health.AVAILABLE, T0.plusSeconds(40));
        assertThat(switched.next().activeSlot()).isEqualTo("green");
        assertThat(switched.next().serving()).isEqualTo(2L);
        assertThat(ServingPlan.of(switched.next(), Strategy.BLUE_GREEN).slots()).extracting(SlotPlan::slot)
                .containsExactly("green");

        Decision rb = decide(s, BLUE_GREEN, V2, Health.AVAILABLE, Health.PROGRESSING, T0.plusSeconds(121));
        assertThat(rb.next().phase()).isEqualTo(ModelPhase.RolledBack);
        assertThat(rb.next().activeSlot()).isEqualTo("blue");
        assertThat(ServingPlan.of(rb.next(), Strategy.BLUE_GREEN).slots()).extracting(SlotPlan::slot)
                .containsExactly("blue");
    }

    @Test
    void canaryPlanLoadsBothVersionsInTheActiveSlot() {
        RolloutState s = decide(serving(1), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0).next();
        ServingPlan plan = ServingPlan.of(s, Strategy.CANARY);
        assertThat(plan.slots()).singleElement().satisfies(p -> {
            assertThat(p.versions()).containsExactly(1L, 2L);
            assertThat(p.stable()).isEqualTo(1L);
            assertThat(p.canary()).isEqualTo(2L);
            assertThat(p.canaryWeight()).isEqualTo(10);
        });
    }

    /** Step 1 of CANARY, ready at t=10, pause over at t=70. */
    static RolloutState canaryReady() {
        RolloutState s = decide(serving(1), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0).next();
        return decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(10)).next();
    }

    @Test
    void analysisRunsOnlyWhenThePauseIsOverAndPassAdvances() {
        List<Long> asked = new ArrayList<>();
        RolloutState s = canaryReady();
        Decision paused = RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(69),
                v -> {
                    asked.add(v);
                    return new AnalysisResult.Pass("ok", Measured.NONE);
                });
        assertThat(asked).isEmpty();
        assertThat(paused.analysis()).isNull();

        Decision next = RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(70),
                v -> {
                    asked.add(v);
                    return new AnalysisResult.Pass("version 2: p95 latency 9ms <= SLO 50ms", new Measured(9.0, null));
                });
        assertThat(asked).containsExactly(2L);
        assertThat(next.next().weight()).isEqualTo(50);
        assertThat(next.analysis().version()).isEqualTo(2L);
        assertThat(next.analysis().step()).isEqualTo(0);
        assertThat(next.analysis().result()).isInstanceOf(AnalysisResult.Pass.class);
    }

    @Test
    void analysisFailRollsBackAtOnceWithTheMeasuredValue() {
        Decision d = RolloutMachine.decide(canaryReady(), CANARY, V2, Health.AVAILABLE, Health.MISSING,
                T0.plusSeconds(70), v -> new AnalysisResult.Fail("version 2: p95 latency 180ms > SLO 50ms",
                        new Measured(180.0, null)));
        assertThat(d.next().phase()).isEqualTo(ModelPhase.RolledBack);
        assertThat(d.next().serving()).isEqualTo(1L);
        assertThat(d.next().candidate()).isNull();
        assertThat(d.next().lastFailed()).isEqualTo(2L);
        assertThat(d.requeue()).isNull();
        assertThat(d.transitions()).singleElement().satisfies(t -> {
            assertThat(t.warning()).isTrue();
            assertThat(t.reason()).isEqualTo("AnalysisFailed");
            assertThat(t.message()).contains("p95 latency 180ms > SLO 50ms").contains("restored version 1");
        });
        // the failed version is not retried while it stays the target
        Decision later = decide(d.next(), CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(700));
        assertThat(later.next().phase()).isEqualTo(ModelPhase.RolledBack);
    }

    @Test
    void inconclusiveWaitsBoundedByTheDeadlineFromThePauseEnd() {
        AnalysisResult noData = new AnalysisResult.Inconclusive("version 2: no data for p95 latency", Measured.NONE);
        RolloutState s = canaryReady();
        Decision wait = RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(70),
                v -> noData);
        assertThat(wait.next()).isEqualTo(s);
        assertThat(wait.transitions()).isEmpty();
        assertThat(wait.requeue()).isEqualTo(RolloutMachine.ANALYSIS_RETRY);
        assertThat(wait.analysis().result()).isSameAs(noData);

        Decision nearEnd = RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING,
                T0.plusSeconds(186), v -> noData);
        assertThat(nearEnd.requeue()).isEqualTo(Duration.ofSeconds(4));

        // data arrives in time: the step advances
        Decision pass = RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(100),
                v -> new AnalysisResult.Pass("ok", Measured.NONE));
        assertThat(pass.next().weight()).isEqualTo(50);

        // pause ended at t=70, deadline 120 s: at t=190 it gives up and rolls back
        Decision gaveUp = RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(190),
                v -> noData);
        assertThat(gaveUp.next().phase()).isEqualTo(ModelPhase.RolledBack);
        assertThat(gaveUp.transitions()).extracting(Transition::reason).containsExactly("AnalysisInconclusive");
    }

    @Test
    void analysisOffBehavesAsBefore() {
        Decision d = RolloutMachine.decide(canaryReady(), CANARY, V2, Health.AVAILABLE, Health.MISSING,
                T0.plusSeconds(70), v -> new AnalysisResult.Off("analysis off: RECOFLOW_PROMETHEUS_URL not set"));
        assertThat(d.next().weight()).isEqualTo(50);
        assertThat(d.analysis().result().kind()).isEqualTo("Off");
    }

    static final AnalysisResult BREACH = new AnalysisResult.Fail("version 2: p95 latency 300ms > SLO 50ms",
            new Measured(300.0, null));
    static final AnalysisResult HOLDS = new AnalysisResult.Pass("version 2: p95 latency 8ms <= SLO 50ms",
            new Measured(8.0, null));
    static final AnalysisResult NO_DATA = new AnalysisResult.Inconclusive("version 2: no data for p95 latency",
            Measured.NONE);

    /** Version 2 promoted over version 1 at T0 (the canary walked through all steps). */
    static RolloutState promoted() {
        RolloutState s = new RolloutState(ModelPhase.RollingOut, 1L, "s3://m/v1", 2L, "s3://m/v2", 100, 2,
                T0.minusSeconds(10), T0.minusSeconds(5), "blue", 1L, "s3://m/v1", null, null, null, null);
        Decision d = decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0);
        assertThat(d.transitions()).extracting(Transition::reason).containsExactly("Promoted");
        return d.next();
    }

    static Decision look(RolloutState s, long seconds, AnalysisResult r) {
        return RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(seconds),
                v -> r);
    }

    @Test
    void aPromotionKeepsTheVersionBeforeAndTheWatchLooksEveryWindow() {
        RolloutState s = promoted();
        assertThat(s.serving()).isEqualTo(2L);
        assertThat(s.lastStable()).isEqualTo(2L);
        assertThat(s.previous()).isEqualTo(1L);
        assertThat(s.previousUri()).isEqualTo("s3://m/v1");

        List<Long> asked = new ArrayList<>();
        Decision d = RolloutMachine.decide(s, CANARY, V2, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(5), v -> {
            asked.add(v);
            return HOLDS;
        });
        assertThat(asked).containsExactly(2L);
        assertThat(d.next()).isEqualTo(s);
        assertThat(d.requeue()).isEqualTo(Duration.ofSeconds(60));
        // a routine pass is no news: nothing to write into status
        assertThat(d.analysis()).isNull();
    }

    @Test
    void aBreachSustainedForAWholeWindowDemotesToTheVersionBefore() {
        Decision first = look(promoted(), 10, BREACH);
        RolloutState s = first.next();
        assertThat(s.phase()).isEqualTo(ModelPhase.Serving);
        assertThat(s.breachSince()).isEqualTo(T0.plusSeconds(10));
        assertThat(first.transitions()).isEmpty();
        assertThat(first.requeue()).isEqualTo(Duration.ofSeconds(60));
        assertThat(first.analysis().step()).isNull();
        assertThat(first.analysis().version()).isEqualTo(2L);

        Decision still = look(s, 50, BREACH);
        assertThat(still.next().breachSince()).isEqualTo(T0.plusSeconds(10));
        assertThat(still.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(still.requeue()).isEqualTo(Duration.ofSeconds(20));

        Decision demoted = look(still.next(), 70, BREACH);
        RolloutState d = demoted.next();
        assertThat(d.phase()).isEqualTo(ModelPhase.RolledBack);
        assertThat(d.serving()).isEqualTo(1L);
        assertThat(d.servingUri()).isEqualTo("s3://m/v1");
        assertThat(d.lastStable()).isEqualTo(1L);
        assertThat(d.lastFailed()).isEqualTo(2L);
        assertThat(d.previous()).isNull();
        assertThat(d.breachSince()).isNull();
        assertThat(demoted.requeue()).isNull();
        assertThat(demoted.transitions()).singleElement().satisfies(t -> {
            assertThat(t.warning()).isTrue();
            assertThat(t.reason()).isEqualTo("SloBreachDemoted");
            assertThat(t.message()).contains("broke the SLO for 60s").contains("p95 latency 300ms > SLO 50ms")
                    .contains("restored version 1");
        });
        assertThat(ServingPlan.of(d, Strategy.CANARY).active().versions()).containsExactly(1L);

        // like a failed canary: the demoted version is not rolled out again while it stays the target, and the
        // restored version is not watched (nothing before it to go back to)
        Decision later = look(d, 999, BREACH);
        assertThat(later.next()).isEqualTo(d);
        assertThat(later.analysis()).isNull();
        assertThat(later.requeue()).isNull();
    }

    @Test
    void aSingleFailingLookDoesNotDemote() {
        Decision d = look(promoted(), 10, BREACH);
        assertThat(d.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(d.next().serving()).isEqualTo(2L);
        assertThat(d.transitions()).isEmpty();
    }

    @Test
    void aPassingLookEndsTheBreachAndTheWindowStartsAgain() {
        RolloutState s = look(promoted(), 10, BREACH).next();
        Decision pass = look(s, 40, HOLDS);
        assertThat(pass.next().breachSince()).isNull();
        assertThat(pass.analysis().result()).isSameAs(HOLDS);
        // failing again later: a new breach, counted from this look
        Decision again = look(pass.next(), 80, BREACH);
        assertThat(again.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(again.next().breachSince()).isEqualTo(T0.plusSeconds(80));
    }

    @Test
    void inconclusiveNeitherDemotesNorClears() {
        RolloutState promoted = promoted();
        Decision nothing = look(promoted, 10, NO_DATA);
        assertThat(nothing.next()).isEqualTo(promoted);
        assertThat(nothing.requeue()).isEqualTo(Duration.ofSeconds(60));
        assertThat(nothing.analysis()).isNull();

        RolloutState s = look(promoted, 10, BREACH).next();
        Decision blind = look(s, 200, NO_DATA);
        assertThat(blind.next()).isEqualTo(s);
        assertThat(blind.transitions()).isEmpty();
        // the breach still stands: the next failing look demotes
        assertThat(look(blind.next(), 210, BREACH).next().phase()).isEqualTo(ModelPhase.RolledBack);
    }

    @Test
    void withoutAnalysisOrAVersionBeforeNothingIsWatched() {
        List<Long> asked = new ArrayList<>();
        Decision first = RolloutMachine.decide(serving(1), CANARY, V1, Health.AVAILABLE, Health.MISSING, T0, v -> {
            asked.add(v);
            return BREACH;
        });
        assertThat(asked).isEmpty();
        assertThat(first.requeue()).isNull();

        Decision off = look(promoted(), 100, new AnalysisResult.Off("analysis off"));
        assertThat(off.next().phase()).isEqualTo(ModelPhase.Serving);
        assertThat(off.requeue()).isNull();
        assertThat(off.analysis()).isNull();
    }

    @Test
    void aNewRolloutEndsTheWatch() {
        RolloutState s = look(promoted(), 10, BREACH).next();
        Target v3 = new Target(3, "s3://m/v3");
        Decision d = RolloutMachine.decide(s, CANARY, v3, Health.AVAILABLE, Health.MISSING, T0.plusSeconds(20),
                v -> BREACH);
        assertThat(d.next().phase()).isEqualTo(ModelPhase.RollingOut);
        assertThat(d.next().breachSince()).isNull();
        assertThat(d.analysis()).isNull();
    }
}
