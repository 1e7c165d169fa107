package io.recoflow.operator.experiment.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SampleRatioTest {

    @Test
    void chiSquareByHand() {
        // 1,040 / 480 / 480 against 50 / 25 / 25 %: expected 1000 / 500 / 500,
        // X^2 = 40^2 / 1000 + 20^2 / 500 + 20^2 / 500 = 1.6 + 0.8 + 0.8 = 3.2 on 2 df; P(X^2_2 > x) = exp(-x / 2),
        // so p = exp(-1.6) = 0.2018965
        assertThat(SampleRatio.pValue(new long[] {1040, 480, 480}, new double[] {50, 25, 25}))
                .isCloseTo(Math.exp(-1.6), within(1e-9));
        // 520 / 480 at 50 / 50: X^2 = 2 * 20^2 / 500 = 1.6 on 1 df, p = 2 (1 - Phi(sqrt 1.6)) = 0.2059032
        assertThat(SampleRatio.pValue(new long[] {520, 480}, new double[] {50, 50})).isCloseTo(0.2059032, within(1e-7));
        // only the ratio of the weights matters
        assertThat(SampleRatio.pValue(new long[] {520, 480}, new double[] {1, 1})).isCloseTo(0.2059032, within(1e-7));
    }

    @Test
    void aBrokenSplitIsFlagged() {
        // 52 / 48 of 50,000: X^2 = 2 * 1000^2 / 25000 = 80, p ~ 4e-19
        assertThat(SampleRatio.pValue(new long[] {26_000, 24_000}, new double[] {50, 50}))
                .isLessThan(SampleRatio.THRESHOLD);
        assertThat(SampleRatio.pValue(new long[] {25_000, 25_000}, new double[] {50, 50})).isEqualTo(1);
    }

    @Test
    void degenerateInputs() {
        assertThat(SampleRatio.pValue(new long[] {0, 0}, new double[] {50, 50})).isEqualTo(1);
        assertThat(SampleRatio.pValue(new long[] {100}, new double[] {100})).isEqualTo(1);
        // a variant at 0 % that got users cannot happen under the configuration
        assertThat(SampleRatio.pValue(new long[] {100, 100, 1}, new double[] {50, 50, 0})).isZero();
        // ... and one with no users is ignored
        assertThat(SampleRatio.pValue(new long[] {520, 480, 0}, new double[] {50, 50, 0}))
                .isCloseTo(0.2059032, within(1e-7));
        assertThatThrownBy(() -> SampleRatio.pValue(new long[] {1, 2}, new double[] {100}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SampleRatio.pValue(new long[] {1, 2}, new double[] {50, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
