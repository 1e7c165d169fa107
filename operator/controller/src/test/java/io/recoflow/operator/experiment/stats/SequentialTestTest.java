package io.recoflow.operator.experiment.stats;

import static io.recoflow.operator.experiment.stats.FixedHorizonTestTest.assertUndefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SequentialTestTest {
    private final SequentialTest test = new SequentialTest(0.05);

    @Test
    void mixtureLikelihoodRatioByHand() {
        // 100 of 1,000 vs 130 of 1,000, N* = 5000: V = 0.0002031, d = 0.03, N = 2000;
        // k = 2 ln 20 = 5.99146, rho^2 = (k + ln(k + 1)) / 5000 = 0.00158723, tau^2 = rho^2 V N = 0.000644733;
        // L = sqrt(V / (V + tau^2)) exp(tau^2 d^2 / (2 V (V + tau^2))) = 2.63900, p = 1 / L = 0.378932;
        // half width sqrt(2 V (V + tau^2) / tau^2 ln(sqrt((V + tau^2) / V) / 0.05)) = 0.0445180
        var r = test.compare(Sample.proportion(1000, 100), Sample.proportion(1000, 130));
        assertThat(r.pValue()).isCloseTo(0.378932, within(1e-6));
        assertThat(r.lower()).isCloseTo(0.03 - 0.0445180, within(1e-7));
        assertThat(r.upper()).isCloseTo(0.03 + 0.0445180, within(1e-7));
        // the fixed test calls the same data significant (p = 0.035): the price of looking at will
        assertThat(new FixedHorizonTest(0.05).compare(Sample.proportion(1000, 100), Sample.proportion(1000, 130))
                .significant()).isTrue();
        assertThat(r.significant()).isFalse();
    }

    @Test
    void pAndIntervalAgreeAtTheBoundary() {
        // 5.00 % vs 6.00 % / 6.01 % of 10,000 each: p = 0.05388 / 0.04926 and lower bound -0.0000798 / +0.0000159
        var justOut = test.compare(Sample.proportion(10_000, 500), Sample.proportion(10_000, 600));
        assertThat(justOut.pValue()).isCloseTo(0.053881, within(1e-6));
        assertThat(justOut.lower()).isCloseTo(-7.979e-5, within(1e-8));
        assertThat(justOut.significant()).isFalse();
        var justIn = test.compare(Sample.proportion(10_000, 500), Sample.proportion(10_000, 601));
        assertThat(justIn.pValue()).isCloseTo(0.049256, within(1e-6));
        assertThat(justIn.lower()).isCloseTo(1.594e-5, within(1e-8));
        assertThat(justIn.significant()).isTrue();
    }

    @Test
    void pBelowAlphaIffIntervalExcludesZero() {
        var random = new Random(12);
        int significant = 0;
        for (int i = 0; i < 20_000; i++) {
            long nc = 2 + random.nextInt(50_000);
            long nt = 2 + random.nextInt(50_000);
            double base = 0.01 + 0.2 * random.nextDouble();
            double lift = 1 + 0.3 * (random.nextDouble() - 0.5);
            var c = Sample.proportion(nc, Math.round(nc * base));
            var t = Sample.proportion(nt, Math.min(nt, Math.round(nt * base * lift)));
            for (double alpha : new double[] {0.01, 0.05, 0.1}) {
                for (double tuning : new double[] {500, 5000, 100_000}) {
                    var r = new SequentialTest(alpha, tuning).compare(c, t);
                    if (r.lower() == null) {
                        assertThat(r.pValue()).isEqualTo(1);
                        continue;
                    }
                    boolean excludesZero = r.lower() > 0 || r.upper() < 0;
                    assertThat(r.significant()).as("%s vs %s, alpha %s, N* %s: %s", c, t, alpha, tuning, r)
                            .isEqualTo(excludesZero);
                    assertThat(r.lower()).isLessThanOrEqualTo(r.difference());
                    assertThat(r.upper()).isGreaterThanOrEqualTo(r.difference());
                    if (c.mean() == 0) {
                        assertThat(r.lift()).isNull();
                    } else {
                        assertThat(r.liftLower()).isLessThanOrEqualTo(r.lift());
                        assertThat(r.liftUpper()).isGreaterThanOrEqualTo(r.lift());
                        assertThat(r.liftLower() > 0 || r.liftUpper() < 0).isEqualTo(excludesZero);
                    }
                    if (r.significant()) {
                        significant++;
                    }
                }
            }
        }
        // both branches were exercised
        assertThat(significant).isBetween(10_000, 170_000);
    }

    @Test
    void widerThanTheFixedIntervalAndSymmetric() {
        var a = new Sample(8000, 24_000, 100_000);
        var b = new Sample(7500, 23_100, 98_000);
        var seq = test.compare(a, b);
        var fixed = new FixedHorizonTest(0.05).compare(a, b);
        assertThat(seq.upper() - seq.lower()).isGreaterThan(fixed.upper() - fixed.lower());
        assertThat(seq.pValue()).isGreaterThan(fixed.pValue());
        var ba = test.compare(b, a);
        assertThat(ba.pValue()).isCloseTo(seq.pValue(), within(1e-15));
        assertThat(ba.lower()).isCloseTo(-seq.upper(), within(1e-15));
        assertThat(ba.upper()).isCloseTo(-seq.lower(), within(1e-15));
    }

    @Test
    void tuningMovesWhereTheIntervalIsNarrowest() {
        // 20,000 users in total: N* = 20,000 beats both a far smaller and a far larger N*
        var c = Sample.proportion(10_000, 500);
        var t = Sample.proportion(10_000, 560);
        double at = width(new SequentialTest(0.05, 20_000).compare(c, t));
        assertThat(at).isLessThan(width(new SequentialTest(0.05, 500).compare(c, t)));
        assertThat(at).isLessThan(width(new SequentialTest(0.05, 1_000_000).compare(c, t)));
        assertThat(new SequentialTest(0.05).tuning()).isEqualTo(SequentialTest.DEFAULT_TUNING);
    }

    @Test
    void degenerateInputsGiveP1AndNoNaN() {
        assertUndefined(test.compare(new Sample(0, 0, 0), new Sample(0, 0, 0)));
        assertUndefined(test.compare(new Sample(0, 0, 0), Sample.proportion(1000, 50)));
        assertUndefined(test.compare(Sample.proportion(1000, 0), Sample.proportion(1000, 0)));
        assertUndefined(test.compare(new Sample(500, 1000, 2000), new Sample(500, 1000, 2000)));
        var r = test.compare(Sample.proportion(1000, 0), Sample.proportion(1000, 50));
        assertThat(r.lift()).isNull();
        assertThat(r.pValue()).isBetween(0.0, 1.0);
    }

    @Test
    void runningMinKeepsTheLeastP() {
        assertThat(SequentialTest.runningMin(null, 0.4)).isEqualTo(0.4);
        assertThat(SequentialTest.runningMin(0.4, 0.7)).isEqualTo(0.4);
        assertThat(SequentialTest.runningMin(0.4, 0.01)).isEqualTo(0.01);
        assertThat(SequentialTest.runningMin(null, Double.NaN)).isEqualTo(1);
        assertThat(SequentialTest.runningMin(0.3, Double.NaN)).isEqualTo(0.3);
    }

    private static double width(Comparison r) {
        return r.upper() - r.lower();
    }
}
