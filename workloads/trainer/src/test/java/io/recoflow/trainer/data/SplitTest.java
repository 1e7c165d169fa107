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

    @Test
    void aNestedSplitNeverTouchesTheOuterTestPart() {
        for (String spec : new String[] {"random-per-user:0.25:42", "temporal:2011-11-01,2011-11-01,2011-12-01"}) {
            Split outer = Split.parse(spec);
            Split.TrainTest o = outer.apply(events);
            Split.TrainTest n = new Split.Nested(outer, Split.validation(outer, events)).apply(events);
            assertThat(n.train()).as(spec).isNotEmpty();
            assertThat(n.test()).as(spec).isNotEmpty();
            Set<Interaction> outerTrain = new HashSet<>(o.train());
            assertThat(outerTrain.containsAll(n.train()) && outerTrain.containsAll(n.test())).as(spec).isTrue();
            assertThat(n.train().size() + n.test().size()).as(spec).isLessThanOrEqualTo(o.train().size());
        }
        // a temporal test window of 30 days validates on the 30 days before TRAIN_END
        assertThat(Split.validation(Split.parse("temporal:2011-11-01,2011-11-01,2011-12-01"), events).spec())
                .isEqualTo("temporal:2011-10-02T00:00:00Z,2011-10-02T00:00:00Z,2011-11-01T00:00:00Z");
        // an open one lasts to the last event (2011-12-09 12:50 in the sample)
        Split open = Split.validation(Split.parse("temporal:2011-11-01,2011-11-01"), events);
        assertThat(((Split.Temporal) open).trainEnd()).isEqualTo(Times.parse("2011-11-01")
                - (events.stream().mapToLong(Interaction::time).max().orElseThrow() + 1 - Times.parse("2011-11-01")));
        assertThat(new Split.Nested(Split.parse("random-per-user:0.2:1"), open).temporal()).isTrue();
        // the Online Retail tuning default is such a split: October lies in the training part of the test split
        Split.TrainTest retail = new Split.Nested(Split.parse("temporal:2011-11-01,2011-11-01"),
                Split.parse("temporal:2011-10-01,2011-10-01,2011-11-01")).apply(events);
        assertThat(retail).isEqualTo(Split.parse("temporal:2011-10-01,2011-10-01,2011-11-01").apply(events));
    }

    private static Set<String> pairs(List<Interaction> l) {
        return l.stream().map(e -> e.user() + "/" + e.item()).collect(Collectors.toSet());
    }
}
