package io.recoflow.trainer.data;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** How events are divided into training and test data. Parse with {@link #parse(String)}. */
public sealed interface Split {

    TrainTest apply(List<Interaction> events);

    /** The spec string this split was parsed from (round trip; a {@link Nested} split describes itself instead). */
    String spec();

    /** Test events come after the training events, so a user's test purchases may repeat training items. */
    boolean temporal();

    record TrainTest(List<Interaction> train, List<Interaction> test) {}

    /**
     * {@code temporal:TRAIN_END,TEST_START[,TEST_END]} or {@code random-per-user:FRACTION:SEED}. Times are ISO dates
     * or date-times (UTC) or epoch seconds; train is {@code time < TRAIN_END}, test is
     * {@code TEST_START <= time < TEST_END}.
     */
    static Split parse(String spec) {
        if (spec.startsWith("temporal:")) {
            String[] p = spec.substring("temporal:".length()).split(",");
            if (p.length < 2 || p.length > 3) {
                throw new IllegalArgumentException("expected temporal:TRAIN_END,TEST_START[,TEST_END], got " + spec);
            }
            long end = Times.parse(p[0]);
            long start = Times.parse(p[1]);
            long testEnd = p.length == 3 ? Times.parse(p[2]) : Long.MAX_VALUE;
            if (start < end) {
                throw new IllegalArgumentException("TEST_START before TRAIN_END would leak test events into train: " + spec);
            }
            if (testEnd <= start) {
                throw new IllegalArgumentException("empty test window: " + spec);
            }
            return new Temporal(end, start, testEnd, spec);
        }
        if (spec.startsWith("random-per-user:")) {
            String[] p = spec.substring("random-per-user:".length()).split(":");
            if (p.length != 2) {
                throw new IllegalArgumentException("expected random-per-user:FRACTION:SEED, got " + spec);
            }
            double f = Double.parseDouble(p[0]);
            if (!(f > 0 && f < 1)) {
                throw new IllegalArgumentException("FRACTION must be in (0,1): " + spec);
            }
            return new RandomPerUser(f, Long.parseLong(p[1]), spec);
        }
        throw new IllegalArgumentException("unknown split '" + spec + "' (temporal:... or random-per-user:...)");
    }


    /**
     * The validation split {@code tune} uses inside {@code outer}'s training part when none is given: a temporal
     * split validates on the window of the same length as its test window that ends at TRAIN_END (an open test window
     * lasts to the last event); a random split holds out the same fraction, with the same seed, of the training part.
     */
    static Split validation(Split outer, List<Interaction> events) {
        if (outer instanceof Temporal t) {
            long end = t.testEnd();
            if (end == Long.MAX_VALUE) {
                end = t.apply(events).test().stream().mapToLong(Interaction::time).max()
                        .orElseThrow(() -> new IllegalArgumentException(t.spec() + " leaves no test events")) + 1;
            }
            String start = Instant.ofEpochSecond(t.trainEnd() - (end - t.testStart())).toString();
            return parse("temporal:" + start + "," + start + "," + Instant.ofEpochSecond(t.trainEnd()));
        }
        if (outer instanceof Nested) {
            throw new IllegalArgumentException("no default validation split inside " + outer.spec());
        }
        return outer;
    }

    /**
     * {@code inner} applied to the training part of {@code outer}: tuning on it never sees one of {@code outer}'s test
     * events, so settings picked here can then be tested on {@code outer} without having been chosen on its test rows.
     */
    record Nested(Split outer, Split inner) implements Split {
        @Override
        public TrainTest apply(List<Interaction> events) {
            return inner.apply(outer.apply(events).train());
        }

        @Override
        public String spec() {
            return inner.spec() + " within the training part of " + outer.spec();
        }

        @Override
        public boolean temporal() {
            return inner.temporal();
        }
    }

    /** Train on the past, test on a later window; events between the two are dropped. */
    record Temporal(long trainEnd, long testStart, long testEnd, String spec) implements Split {
        @Override
        public boolean temporal() {
            return true;
        }

        @Override
        public TrainTest apply(List<Interaction> events) {
            List<Interaction> train = new ArrayList<>();
            List<Interaction> test = new ArrayList<>();
            for (Interaction e : events) {
                if (e.time() < trainEnd) {
                    train.add(e);
                } else if (e.time() >= testStart && e.time() < testEnd) {
                    test.add(e);
                }
            }
            return new TrainTest(train, test);
        }
    }

    /**
     * Holds out FRACTION (at least one) of each user's distinct items, with all their events; users with a single item
     * stay in train only. Deterministic for a seed: each user's draw depends only on the seed and the user id.
     */
    record RandomPerUser(double fraction, long seed, String spec) implements Split {
        @Override
        public boolean temporal() {
            return false;
        }

        @Override
        public TrainTest apply(List<Interaction> events) {
            Map<String, TreeSet<String>> itemsByUser = new HashMap<>();
            for (Interaction e : events) {
                itemsByUser.computeIfAbsent(e.user(), u -> new TreeSet<>()).add(e.item());
            }
            Set<String> held = new HashSet<>();
            for (Map.Entry<String, TreeSet<String>> u : itemsByUser.entrySet()) {
                List<String> items = new ArrayList<>(u.getValue());
                if (items.size() < 2) {
                    continue;
                }
                SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + u.getKey().hashCode());
                int n = Math.max(1, (int) Math.round(items.size() * fraction));
                n = Math.min(n, items.size() - 1);
                for (int i = 0; i < n; i++) {
                    int j = i + rnd.nextInt(items.size() - i);
                    String t = items.get(i);
                    items.set(i, items.get(j));
                    items.set(j, t);
                    held.add(u.getKey() + '\u0000' + items.get(i));
                }
            }
            List<Interaction> train = new ArrayList<>();
            List<Interaction> test = new ArrayList<>();
            for (Interaction e : events) {
                (held.contains(e.user() + '\u0000' + e.item()) ? test : train).add(e);
            }
            return new TrainTest(train, test);
        }
    }
}
