package io.recoflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.trainer.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SplitTest {
    static List<Interaction> events;

    @BeforeAll
    static void load() throws IOException {
        events = Dataset.load(TestData.sample()).interactions();
    }

    @Test
    void temporalSplitNeverPutsTestTimesIntoTrain() {
        Split s = Split.parse("temporal:2011-10-01,2011-10-01,2011-11-01");
        Split.TrainTest tt = s.apply(events);
        long end = Times.parse("2011-10-01");
        long testEnd = Times.parse("2011-11-01");
        assertThat(tt.train()).isNotEmpty().allMatch(e -> e.time() < end);
        assertThat(tt.test()).isNotEmpty().allMatch(e -> e.time() >= end && e.time() < testEnd);
        long expectedTest = events.stream().filter(e -> e.time() >= end && e.time() < testEnd).count();
        assertThat(tt.test()).hasSize((int) expectedTest);
        assertThat(tt.train().size() + tt.test().size())
                .isEqualTo((int) events.stream().filter(e -> e.time() < testEnd).count());
    }

    @Test
    void temporalSplitDropsTheGapAndRejectsOverlap() {
        Split.TrainTest tt = Split.parse("temporal:2011-09-01,2011-10-01").apply(events);
        long gapStart = Times.parse("2011-09-01");
        long gapEnd = Times.parse("2011-10-01");
        assertThat(tt.train()).noneMatch(e -> e.time() >= gapStart);
        assertThat(tt.test()).noneMatch(e -> e.time() < gapEnd);
        assertThatThrownBy(() -> Split.parse("temporal:2011-10-01,2011-09-01"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leak");
    }

    @Test
    void randomPerUserSplitHoldsOutWholeUserItemPairs() {
        Split s = Split.parse("random-per-user:0.2:7");
        Split.TrainTest tt = s.apply(events);
        Set<String> trainPairs = pairs(tt.train());
        Set<String> testPairs = pairs(tt.test());
        assertThat(testPairs).isNotEmpty();
        Set<String> both = new HashSet<>(trainPairs);
        both.retainAll(testPairs);
        assertThat(both).as("pairs in both train and test").isEmpty();
        assertThat(tt.train().size() + tt.test().size()).isEqualTo(events.size());
        // every test user keeps training history, and about 20 % of each user's items are held out
        Map<String, Long> trainItems = tt.train().stream().map(e -> e.user() + "\u0000" + e.item()).distinct()
                .collect(Collectors.groupingBy(p -> p.substring(0, p.indexOf('\u0000')), Collectors.counting()));
        Map<String, Long> testItems = tt.test().stream().map(e -> e.user() + "\u0000" + e.item()).distinct()
                .collect(Collectors.groupingBy(p -> p.substring(0, p.indexOf('\u0000')), Collectors.counting()));
        testItems.forEach((u, n) -> {
            long total = n + trainItems.get(u);
            assertThat(n).isEqualTo(Math.min(total - 1, Math.max(1, Math.round(total * 0.2))));
        });
        // deterministic for a seed, different for another
        assertThat(pairs(s.apply(new ArrayList<>(events)).test())).isEqualTo(testPairs);
        assertThat(pairs(Split.parse("random-per-user:0.2:8").apply(events).test())).isNotEqualTo(testPairs);
    }

    private static Set<String> pairs(List<Interaction> l) {
        return l.stream().map(e -> e.user() + "/" + e.item()).collect(Collectors.toSet());
    }
}
