package io.recoflow.recommend.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.common.contract.Serving;
import io.recoflow.common.contract.ServingConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ServingPlanTest {
    static final int USERS = 2_000;

    static ServingConfig canary(long canary, int weight) {
        return new ServingConfig("recommender", Serving.RUNTIME_EMBEDDED, null, 1, canary, weight, List.of(1L, canary));
    }

    static List<String> users() {
        return IntStream.range(0, USERS).mapToObj(i -> Integer.toString(12346 + i)).toList();
    }

    /** The binomial 99.9 % interval of n users at p: n p +- 3.29 sqrt(n p (1 - p)). */
    static long[] interval(int n, double p) {
        double mean = n * p;
        double half = 3.2905 * Math.sqrt(n * p * (1 - p));
        return new long[] {(long) Math.floor(mean - half), (long) Math.ceil(mean + half)};
    }

    @Test
    void thirtyPercentOfUsersGoToTheCanaryWithinTheBinomialInterval() {
        long[] ok = interval(USERS, 0.30); // 533..668 of 2,000
        // several canaries, so the check is not one lucky salt
        for (long canary = 2; canary <= 11; canary++) {
            ServingPlan plan = ServingPlan.of(canary(canary, 30));
            long toCanary = users().stream().filter(plan::toCanary).count();
            assertThat(toCanary).as("canary %d", canary).isBetween(ok[0], ok[1]);
        }
    }

    @Test
    void routingIsDeterministicPerUserAcrossPlansOfTheSameFile() {
        ServingPlan a = ServingPlan.of(canary(2, 30));
        ServingPlan b = ServingPlan.of(canary(2, 30)); // another replica, another restart
        for (String u : users()) {
            long v = a.route(u);
            assertThat(v).isIn(1L, 2L);
            assertThat(a.route(u)).isEqualTo(v);
            assertThat(b.route(u)).isEqualTo(v);
        }
    }

    @Test
    void rampingTheWeightOnlyAddsUsersAndANewCanaryReshuffles() {
        ServingPlan at10 = ServingPlan.of(canary(2, 10));
        ServingPlan at30 = ServingPlan.of(canary(2, 30));
        Set<String> first = new HashSet<>(users().stream().filter(at10::toCanary).toList());
        Set<String> second = new HashSet<>(users().stream().filter(at30::toCanary).toList());
        assertThat(second).containsAll(first);

        ServingPlan next = ServingPlan.of(canary(3, 30));
        Set<String> third = new HashSet<>(users().stream().filter(next::toCanary).toList());
        third.retainAll(second);
        // independent samples overlap in about 0.3 * 0.3 of the users (180 of 2,000), not in all 30 %
        long[] ok = interval(USERS, 0.09);
        assertThat((long) third.size()).isBetween(ok[0], ok[1]);
    }

    @Test
    void noCanaryTrafficUntilTheCanaryIsReady() {
        assertThat(users().stream().noneMatch(ServingPlan.of(canary(2, 0))::toCanary)).isTrue();
        assertThat(users().stream().allMatch(ServingPlan.of(canary(2, 100))::toCanary)).isTrue();
        ServingPlan held = ServingPlan.of(canary(2, 100)).withoutCanaryTraffic();
        assertThat(users().stream().allMatch(u -> held.route(u) == 1)).isTrue();
        assertThat(held.canaryWeight()).isZero();
        assertThat(held).isNotEqualTo(ServingPlan.of(canary(2, 100)));
        ServingPlan promoted = ServingPlan.of(new ServingConfig("recommender", Serving.RUNTIME_EMBEDDED, null, 2, null, 0,
                List.of(2L)));
        assertThat(users().stream().allMatch(u -> promoted.route(u) == 2)).isTrue();
    }

    @Test
    void labelsFollowTheFile() {
        ServingPlan p = ServingPlan.of(canary(2, 30));
        assertThat(p.label(1)).isEqualTo(Serving.STABLE_LABEL);
        assertThat(p.label(2)).isEqualTo(Serving.CANARY_LABEL);
        assertThat(p.label(3)).isNull();
    }
}
