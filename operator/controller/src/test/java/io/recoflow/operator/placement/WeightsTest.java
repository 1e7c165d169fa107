package io.recoflow.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightsTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration AFTER = Duration.ofSeconds(60);
    static final Duration RESTORE = Duration.ofSeconds(120);

    static Map<String, Integer> shares(Object... kv) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return m;
    }

    @Test
    void replicasSplitByWeightAddUpAndEveryWeightedClusterGetsOne() {
        assertThat(Weights.split(10, shares("eks", 70, "aks", 30))).containsExactly(Map.entry("eks", 7),
                Map.entry("aks", 3));
        assertThat(Weights.split(3, shares("eks", 70, "aks", 30))).containsExactly(Map.entry("eks", 2),
                Map.entry("aks", 1));
        assertThat(Weights.split(1, shares("eks", 90, "aks", 10))).containsExactly(Map.entry("eks", 1),
                Map.entry("aks", 1));
        assertThat(Weights.split(4, shares("a", 34, "b", 33, "c", 33))).containsExactly(Map.entry("a", 2),
                Map.entry("b", 1), Map.entry("c", 1));
        assertThat(Weights.split(5, shares("eks", 100, "aks", 0))).containsExactly(Map.entry("eks", 5),
                Map.entry("aks", 0));
        assertThat(Weights.bound(2, 30)).isEqualTo(1);
        assertThat(Weights.bound(10, 30)).isEqualTo(3);
    }

    @Test
    void aClusterNotServingLongerThanTheLimitFailsOverAndItsShareMovesToTheOthers() {
        var observed = List.of(new Weights.Observed("eks", 70, true), new Weights.Observed("aks", 30, false));
        var first = Weights.failover(observed, Map.of(), T0, AFTER, RESTORE);
        assertThat(first.of("aks").failedOver()).isFalse();
        assertThat(first.of("aks").effective()).isEqualTo(30);
        assertThat(first.of("aks").unhealthySince()).isEqualTo(T0);
        assertThat(first.recheck()).isEqualTo(AFTER);

        var before = Map.of("aks", new Weights.Before(false, T0, null));
        var late = Weights.failover(observed, before, T0.plus(AFTER), AFTER, RESTORE);
        assertThat(late.of("aks").failedOver()).isTrue();
        assertThat(late.of("aks").effective()).isZero();
        assertThat(late.of("eks").effective()).isEqualTo(100);
    }

    @Test
    void aFailedClusterComesBackOnlyAfterServingForTheRestoreTime() {
        var failed = Map.of("aks", new Weights.Before(true, T0, null));
        var serving = List.of(new Weights.Observed("eks", 70, true), new Weights.Observed("aks", 30, true));
        var back = Weights.failover(serving, failed, T0.plusSeconds(300), AFTER, RESTORE);
        assertThat(back.of("aks").failedOver()).isTrue();
        assertThat(back.of("aks").healthySince()).isEqualTo(T0.plusSeconds(300));
        assertThat(back.recheck()).isEqualTo(RESTORE);

        var healing = Map.of("aks", new Weights.Before(true, null, T0.plusSeconds(300)));
        var restored = Weights.failover(serving, healing, T0.plusSeconds(420), AFTER, RESTORE);
        assertThat(restored.of("aks").failedOver()).isFalse();
        assertThat(restored.of("aks").effective()).isEqualTo(30);
        assertThat(restored.of("eks").effective()).isEqualTo(70);

        // flapping: not serving again before the restore time resets the clock
        var flap = Weights.failover(List.of(new Weights.Observed("eks", 70, true),
                new Weights.Observed("aks", 30, false)), healing, T0.plusSeconds(400), AFTER, RESTORE);
        assertThat(flap.of("aks").failedOver()).isTrue();
        assertThat(flap.of("aks").healthySince()).isNull();
    }

    @Test
    void whenEveryClusterFailsTheConfiguredWeightsStand() {
        var down = List.of(new Weights.Observed("eks", 70, false), new Weights.Observed("aks", 30, false));
        var before = Map.of("eks", new Weights.Before(false, T0, null), "aks", new Weights.Before(false, T0, null));
        var all = Weights.failover(down, before, T0.plusSeconds(61), AFTER, RESTORE);
        assertThat(all.of("eks").failedOver()).isTrue();
        assertThat(all.of("eks").effective()).isEqualTo(70);
        assertThat(all.of("aks").effective()).isEqualTo(30);
    }
}
