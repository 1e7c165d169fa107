package io.recoflow.operator.experiment.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FixedHorizonTestTest {
    private final FixedHorizonTest test = new FixedHorizonTest(0.05);

    @Test
    void twoProportionZTestByHand() {
        // 100 of 1,000 vs 130 of 1,000. Unpooled: V = 0.10 * 0.90 / 1000 + 0.13 * 0.87 / 1000 = 0.0002031,
        // SE = 0.0142513, z = 0.03 / SE = 2.10507, p = 2 (1 - Phi(2.10507)) = 0.035285;
        // 95 %: 0.03 +- 1.959964 * SE = 0.03 +- 0.027932 = [0.002068, 0.057932]; lift 0.3 in [0.02068, 0.57932]
        var r = test.compare(Sample.proportion(1000, 100), Sample.proportion(1000, 130));
        assertThat(r.difference()).isCloseTo(0.03, within(1e-12));
        assertThat(r.pValue()).isCloseTo(0.035285, within(1e-6));
        assertThat(r.lower()).isCloseTo(0.002068, within(1e-6));
        assertThat(r.upper()).isCloseTo(0.057932, within(1e-6));
        assertThat(r.lift()).isCloseTo(0.3, within(1e-12));
        assertThat(r.liftLower()).isCloseTo(0.02068, within(1e-5));
        assertThat(r.liftUpper()).isCloseTo(0.57932, within(1e-5));
        assertThat(r.significant()).isTrue();
    }

    @Test
    void swappingVariantsMirrorsTheResult() {
        var a = Sample.proportion(1000, 100);
        var b = Sample.proportion(1200, 150);
        var ab = test.compare(a, b);
        var ba = test.compare(b, a);
        assertThat(ba.pValue()).isCloseTo(ab.pValue(), within(1e-15));
        assertThat(ba.difference()).isCloseTo(-ab.difference(), within(1e-15));
        assertThat(ba.lower()).isCloseTo(-ab.upper(), within(1e-15));
        assertThat(ba.upper()).isCloseTo(-ab.lower(), within(1e-15));
    }

    @Test
    void equalMeansGiveP1AndAnIntervalAroundZero() {
        var r = test.compare(Sample.proportion(5000, 250), Sample.proportion(5000, 250));
        assertThat(r.pValue()).isEqualTo(1);
        assertThat(r.lower()).isNegative();
        assertThat(r.upper()).isPositive();
        assertThat(r.lift()).isZero();
    }

    @Test
    void largeEffectsKeepTheirPValue() {
        // 5 % vs 8 % of 10,000 each: z = 8.6208, p = 6.6469e-18, where 1 - Phi(z) rounds to 0
        var r = test.compare(Sample.proportion(10_000, 500), Sample.proportion(10_000, 800));
        assertThat(r.pValue()).isCloseTo(6.6469e-18, within(1e-21));
    }

    @Test
    void degenerateInputsGiveP1AndNoNaN() {
        assertUndefined(test.compare(new Sample(0, 0, 0), new Sample(0, 0, 0)));
        assertUndefined(test.compare(Sample.proportion(1, 1), Sample.proportion(1000, 50)));
        // no variance on either side: nothing to say about the noise
        assertUndefined(test.compare(Sample.proportion(1000, 0), Sample.proportion(1000, 1000)));
        // control mean 0 with variance in treatment: a difference, but no lift
        var r = test.compare(Sample.proportion(1000, 0), Sample.proportion(1000, 50));
        assertThat(r.pValue()).isLessThan(0.05);
        assertThat(r.lower()).isPositive();
        assertThat(r.lift()).isNull();
        assertThat(r.liftLower()).isNull();
        assertThat(r.liftUpper()).isNull();
    }

    static void assertUndefined(Comparison r) {
        assertThat(r.pValue()).isEqualTo(1);
        assertThat(r.significant()).isFalse();
        assertThat(r.lower()).isNull();
        assertThat(r.upper()).isNull();
        assertThat(r.liftLower()).isNull();
        assertThat(r.liftUpper()).isNull();
        assertThat(r.controlMean()).isNotNaN();
        assertThat(r.treatmentMean()).isNotNaN();
        assertThat(r.difference()).isNotNaN();
        if (r.lift() != null) {
            assertThat(r.lift()).isNotNaN();
        }
    }
}
