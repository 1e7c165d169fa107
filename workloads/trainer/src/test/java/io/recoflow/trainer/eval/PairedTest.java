package io.recoflow.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PairedTest {

    @Test
    void aConstantDifferenceHasAZeroWidthInterval() {
        Paired.Diff d = Paired.bootstrap(new double[] {0.5, 0.25, 0.75}, new double[] {0.25, 0.0, 0.5}, 2_000, 1);
        assertThat(d.mean()).isEqualTo(0.25);
        assertThat(d.lo()).isEqualTo(0.25);
        assertThat(d.hi()).isEqualTo(0.25);
        assertThat(d.above()).isTrue();
    }

    @Test
    void twoUsersGiveTheHandComputedInterval() {
        // differences {0, 1}: a resample's mean is 0, 0.5 or 1 with probability 1/4, 1/2, 1/4, so ~500 of 2,000
        // resamples are 0 and ~500 are 1: the 50th smallest (2.5 %) is 0 and the 1,950th (97.5 %) is 1
        Paired.Diff d = Paired.bootstrap(new double[] {0.5, 1.0}, new double[] {0.5, 0.0}, 2_000, 42);
        assertThat(d.mean()).isEqualTo(0.5);
        assertThat(d.lo()).isEqualTo(0.0);
        assertThat(d.hi()).isEqualTo(1.0);
        assertThat(d.above()).isFalse();
    }

    @Test
    void manyUsersMatchTheNormalApproximation() {
        // 400 differences of +1 and -1 (mean 0, sd 1): the 95 % interval is about 0 ± 1.96 / sqrt(400) = ± 0.098
        double[] a = new double[400];
        double[] b = new double[400];
        for (int u = 0; u < 400; u++) {
            a[u] = u % 2 == 0 ? 1 : 0;
            b[u] = u % 2 == 0 ? 0 : 1;
        }
        Paired.Diff d = Paired.bootstrap(a, b, 2_000, 42);
        assertThat(d.mean()).isEqualTo(0.0);
        assertThat(d.lo()).isCloseTo(-0.098, within(0.012));
        assertThat(d.hi()).isCloseTo(0.098, within(0.012));
        // shifting one model by 0.2 shifts the interval by exactly 0.2 (same resamples for the same seed)
        double[] shifted = a.clone();
        for (int u = 0; u < 400; u++) {
            shifted[u] += 0.2;
        }
        Paired.Diff s = Paired.bootstrap(shifted, b, 2_000, 42);
        assertThat(s.lo()).isCloseTo(d.lo() + 0.2, within(1e-9));
        assertThat(s.hi()).isCloseTo(d.hi() + 0.2, within(1e-9));
        assertThat(s.above()).isTrue();
    }

    @Test
    void sameSeedSameInterval() {
        double[] a = {0.1, 0.9, 0.4, 0.3, 0.0};
        double[] b = {0.2, 0.5, 0.4, 0.0, 0.1};
        assertThat(Paired.bootstrap(a, b, 500, 7)).isEqualTo(Paired.bootstrap(a, b, 500, 7));
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> Paired.bootstrap(new double[2], new double[3], 10, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 vs 3");
        assertThatThrownBy(() -> Paired.bootstrap(new double[0], new double[0], 10, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
