package io.recoflow.operator.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ABExperimentSpec.Metric;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.experiment.ExperimentJudge.Arm;
import io.recoflow.operator.experiment.ExperimentJudge.Verdict;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentJudgeTest {
    static final List<Arm> TWO = List.of(new Arm("control", true, 50, 1), new Arm("treatment", false, 50, 2));
    static final Duration DAY = Duration.ofDays(1);

    static ABExperimentSpec spec() {
        ABExperimentSpec s = new ABExperimentSpec();
        s.analysis = new ABExperimentSpec.Analysis();
        s.analysis.minUsersPerVariant = 1000L;
        s.analysis.minDurationSeconds = 3600L;
        s.analysis.maxDurationSeconds = 14 * 86_400L;
        return s;
    }

    static Map<String, Counts> conversions(long... exposedConverted) {
        Map<String, Counts> m = new HashMap<>();
        String[] names = {"control", "treatment", "third"};
        for (int i = 0; i < exposedConverted.length / 2; i++) {
            m.put(names[i], new Counts(exposedConverted[2 * i], 0, exposedConverted[2 * i + 1], 0, 0));
        }
        return m;
    }

    static Verdict judge(ABExperimentSpec s, List<Arm> arms, Map<String, Counts> c, Duration elapsed) {
        return ExperimentJudge.judge(s, arms, c, Map.of(), elapsed, Map.of());
    }

    @Test
    void aClearlyBetterTreatmentWinsWithItsLiftAndPValue() {
        Verdict v = judge(spec(), TWO, conversions(5000, 250, 5000, 400), DAY);
        assertThat(v.phase()).isEqualTo(ExperimentPhase.Concluded);
        assertThat(v.winner()).isEqualTo("treatment");
        assertThat(v.results().get(1).vs().lift()).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(v.results().get(1).pValue()).isLessThan(0.001);
        assertThat(v.message()).contains("treatment beats control on conversion").contains("lift +60.0%");
        assertThat(v.leader().arm().name()).isEqualTo("treatment");
    }

    @Test
    void aTreatmentWorseThanControlLetsControlWin() {
        Verdict v = judge(spec(), TWO, conversions(5000, 400, 5000, 250), DAY);
        assertThat(v.phase()).isEqualTo(ExperimentPhase.Concluded);
        assertThat(v.winner()).isEqualTo("control");
    }

    @Test
    void nothingIsDecidedBeforeTheMinimumUsersOrDuration() {
        Verdict few = judge(spec(), TWO, conversions(900, 45, 900, 90), DAY);
        assertThat(few.phase()).isEqualTo(ExperimentPhase.Running);
        assertThat(few.message()).contains("900 of 1000 users");
        Verdict early = judge(spec(), TWO, conversions(5000, 250, 5000, 400), Duration.ofMinutes(30));
        assertThat(early.phase()).isEqualTo(ExperimentPhase.Running);
        assertThat(early.message()).contains("1800 of 3600 s");
    }

    @Test
    void noDifferenceByTheHorizonIsInconclusive() {
        ABExperimentSpec s = spec();
        assertThat(judge(s, TWO, conversions(5000, 250, 5000, 252), DAY).phase()).isEqualTo(ExperimentPhase.Running);
        Verdict v = judge(s, TWO, conversions(5000, 250, 5000, 252), Duration.ofDays(15));
        assertThat(v.phase()).isEqualTo(ExperimentPhase.Inconclusive);
        assertThat(v.winner()).isNull();
    }

    @Test
    void theFixedMethodDecidesOnlyAtTheHorizon() {
        ABExperimentSpec s = spec();
        s.analysis.method = ABExperimentSpec.Analysis.Method.FIXED;
        Verdict before = judge(s, TWO, conversions(5000, 250, 5000, 400), DAY);
        assertThat(before.phase()).isEqualTo(ExperimentPhase.Running);
        assertThat(before.message()).contains("fixed horizon");
        Verdict at = judge(s, TWO, conversions(5000, 250, 5000, 400), Duration.ofDays(14));
        assertThat(at.phase()).isEqualTo(ExperimentPhase.Concluded);
        assertThat(at.winner()).isEqualTo("treatment");
    }

    @Test
    void aSkewedSplitIsAMismatchAndNoWinnerEvenWithABigEffect() {
        Verdict v = judge(spec(), TWO, conversions(5300, 250, 4700, 400), DAY);
        assertThat(v.phase()).isEqualTo(ExperimentPhase.SampleRatioMismatch);
        assertThat(v.reason()).isEqualTo(Reason.SampleRatioMismatch);
        assertThat(v.winner()).isNull();
        // chi-square = 2 * 300^2 / 5000 = 36 on 1 degree of freedom: p = 2.0e-9
        assertThat(v.srmPValue()).isBetween(1e-9, 3e-9);
        assertThat(v.message()).contains("users 5300/4700 against weights 50/50");
    }

    @Test
    void srmWaitsForEnoughUsersAndIgnoresVariantsAtWeightZero() {
        assertThat(ExperimentJudge.srm(TWO, conversions(25, 0, 5, 0))).isNull();
        List<Arm> ramp = List.of(new Arm("control", true, 100, 1), new Arm("treatment", false, 0, 2));
        assertThat(ExperimentJudge.srm(ramp, conversions(5000, 0, 0, 0))).isNull();
        List<Arm> ninetyTen = List.of(new Arm("control", true, 90, 1), new Arm("treatment", false, 10, 2));
        assertThat(ExperimentJudge.srm(ninetyTen, conversions(9000, 0, 1000, 0))).isEqualTo(1.0);
    }

    @Test
    void aGuardrailBreachStopsWithTheMeasuredValue() {
        ABExperimentSpec s = spec();
        s.guardrails = new ABExperimentSpec.Guardrails();
        s.guardrails.p95LatencyMs = 50;
        s.guardrails.maxFallbackRate = 0.05;
        Map<String, Counts.Health> health = Map.of("control", new Counts.Health(8.0, 0.0, 0.01),
                "treatment", new Counts.Health(212.5, 0.0, 0.01));
        // before any minimum: a breach does not wait for users
        Verdict v = ExperimentJudge.judge(s, TWO, conversions(10, 1, 10, 1), health, Duration.ZERO, Map.of());
        assertThat(v.phase()).isEqualTo(ExperimentPhase.Stopped);
        assertThat(v.reason()).isEqualTo(Reason.GuardrailBreached);
        assertThat(v.message()).isEqualTo("guardrail: variant treatment (version 2) p95 latency 212.5 ms > 50 ms");
        Verdict fallbacks = ExperimentJudge.judge(s, TWO, conversions(10, 1, 10, 1), Map.of("treatment",
                new Counts.Health(10.0, 0.0, 0.2)), Duration.ZERO, Map.of());
        assertThat(fallbacks.message()).isEqualTo("guardrail: variant treatment fallback rate 0.2000 > 0.05");
        Verdict noData = ExperimentJudge.judge(s, TWO, conversions(10, 1, 10, 1), Map.of(), Duration.ZERO, Map.of());
        assertThat(noData.phase()).isEqualTo(ExperimentPhase.Running);
    }

    @Test
    void aSecondaryMetricThatSurelyDroppedTooMuchStops() {
        ABExperimentSpec s = spec();
        s.guardrails = new ABExperimentSpec.Guardrails();
        s.guardrails.secondary = new ABExperimentSpec.SecondaryGuardrail();
        s.guardrails.secondary.metric = Metric.CTR;
        s.guardrails.secondary.maxRelativeDrop = 0.1;
        Map<String, Counts> c = Map.of("control", new Counts(5000, 1000, 250, 1000, 1000),
                "treatment", new Counts(5000, 600, 260, 600, 600));
        Verdict v = ExperimentJudge.judge(s, TWO, c, Map.of(), DAY, Map.of());
        assertThat(v.phase()).isEqualTo(ExperimentPhase.Stopped);
        assertThat(v.message()).contains("variant treatment ctr lift -40.0%").contains("-10.0%");
    }

    @Test
    void severalTreatmentsShareAlphaAndTheBestSignificantOneWins() {
        List<Arm> three = List.of(new Arm("control", true, 34, 1), new Arm("treatment", false, 33, 2),
                new Arm("third", false, 33, 3));
        Verdict v = judge(spec(), three, conversions(5000, 250, 5000, 330, 5000, 400), DAY);
        assertThat(v.phase()).isEqualTo(ExperimentPhase.Concluded);
        assertThat(v.winner()).isEqualTo("third");
        assertThat(v.message()).contains("< 0.025");
    }

    @Test
    void theAlwaysValidPValueKeepsItsRunningMinimum() {
        Verdict v = ExperimentJudge.judge(spec(), TWO, conversions(5000, 250, 5000, 252), Map.of(), DAY,
                Map.of("treatment", 0.2));
        assertThat(v.results().get(1).pValue()).isEqualTo(0.2);
    }

    @Test
    void clicksPerUserUsesTheClickSums() {
        ABExperimentSpec s = spec();
        s.primaryMetric = Metric.CLICKS_PER_USER;
        // control: 2,000 users with one click each; treatment: 1,500 with two, 500 with none
        Map<String, Counts> c = Map.of("control", new Counts(2000, 2000, 0, 2000, 2000),
                "treatment", new Counts(2000, 1500, 0, 3000, 6000));
        Verdict v = ExperimentJudge.judge(s, TWO, c, Map.of(), DAY, Map.of());
        assertThat(v.results().get(1).rate()).isEqualTo(1.5);
        assertThat(v.winner()).isEqualTo("treatment");
    }
}
