package io.recoflow.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PsiTest {
    static final String OTHER = ModelMetadata.OTHER_ITEMS;

    @Test
    void handComputedShift() {
        // current shares A .3, B .5, C (not a reference bin) .2 under "other":
        // (.3 - .5) ln(.3/.5) + (.5 - .3) ln(.5/.3) + (.2 - .2) ln 1 = .4 ln(5/3) = 0.2043302...
        double psi = Psi.of(Map.of("A", 0.5, "B", 0.3, OTHER, 0.2), Map.of("A", 30.0, "B", 50.0, "C", 20.0));
        assertThat(psi).isCloseTo(0.4 * Math.log(5.0 / 3), within(1e-12)).isCloseTo(0.2043302, within(1e-7));
    }

    @Test
    void anEmptyBinCountsWithEpsilon() {
        // the reference has no "other" bin, B falls in it: (.5 - 1) ln(.5) + (.5 - 1e-4) ln(.5 / 1e-4) = 4.6043185
        double psi = Psi.of(Map.of("A", 1.0), Map.of("A", 1.0, "B", 1.0));
        assertThat(psi).isCloseTo(4.6043185, within(1e-7));
        // an item the current window lacks entirely: (1e-4 - .5) ln(1e-4 / .5) + (1 - .5) ln(1 / .5) = 4.6043185
        assertThat(Psi.of(Map.of("A", 0.5, "B", 0.5), Map.of("A", 7.0))).isCloseTo(4.6043185, within(1e-7));
    }

    @Test
    void theSameDistributionIsZeroWhateverTheScale() {
        assertThat(Psi.of(Map.of("A", 0.25, "B", 0.75), Map.of("A", 1.0, "B", 3.0))).isCloseTo(0, within(1e-15));
    }

    @Test
    void sharesKeepTheLargestItemsAndSumTheRest() {
        Map<String, Double> s = Psi.shares(Map.of("A", 5.0, "B", 3.0, "C", 1.0, "D", 1.0), 2);
        assertThat(s).containsExactly(Map.entry("A", 0.5), Map.entry("B", 0.3), Map.entry(OTHER, 0.2));
        assertThat(Psi.shares(Map.of("B", 1.0, "A", 1.0), 5)).containsExactly(Map.entry("A", 0.5), Map.entry("B", 0.5));
        // a training distribution compared with itself through its own shares
        assertThat(Psi.of(s, Map.of("A", 5.0, "B", 3.0, "C", 1.0, "D", 1.0))).isCloseTo(0, within(1e-15));
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> Psi.of(Map.of("A", 1.0), Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Psi.of(Map.of("A", -1.0), Map.of("A", 1.0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
