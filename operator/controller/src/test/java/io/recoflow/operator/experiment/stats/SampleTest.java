package io.recoflow.operator.experiment.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SampleTest {

    @Test
    void proportionHasVarianceP1MinusP() {
        var s = Sample.proportion(1000, 130);
        assertThat(s.mean()).isEqualTo(0.13);
        assertThat(s.variance()).isCloseTo(0.13 * 0.87, within(1e-15));
    }

    @Test
    void varianceIsPlugIn() {
        // values 1, 2, 3, 6: sum 12, squares 1 + 4 + 9 + 36 = 50, mean 3, 50 / 4 - 9 = 3.5 (n - 1 would give 14 / 3)
        var s = new Sample(4, 12, 50);
        assertThat(s.mean()).isEqualTo(3);
        assertThat(s.variance()).isEqualTo(3.5);
    }

    @Test
    void emptyAndInconsistentSamplesAreNotNaN() {
        assertThat(new Sample(0, 0, 0).mean()).isZero();
        assertThat(new Sample(0, 0, 0).variance()).isZero();
        // successes scraped a moment after users: p > 1, variance clamped instead of negative
        assertThat(Sample.proportion(10, 11).variance()).isZero();
        assertThatThrownBy(() -> new Sample(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
