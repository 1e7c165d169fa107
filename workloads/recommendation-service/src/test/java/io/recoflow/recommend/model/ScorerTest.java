package io.recoflow.recommend.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.common.ModelMetadata;
import io.recoflow.recommend.config.RecommendProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Timeout and reference counting of the scoring bulkhead (the model here is a slow stand-in by design). */
class ScorerTest {
    @Test
    void aTimedOutRunKeepsItsModelOpenUntilItEnds() throws Exception {
        RecommendProperties p = new RecommendProperties();
        p.getModel().setScoringThreads(1);
        p.getModel().setScoringTimeout(Duration.ofMillis(20));
        Scorer scorer = new Scorer(p, new SimpleMeterRegistry());
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        ScoringModel slow = new ScoringModel() {
            @Override
            public Scores score(int[] history, int k) throws Exception {
                release.await(5, TimeUnit.SECONDS);
                assertThat(closed).isFalse();
                return new Scores(new int[] {0}, new float[] {1});
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        LoadedModel m = new LoadedModel(7, new ModelMetadata("t", 7, Map.of(), "", List.of("A"), false, Map.of(),
                Instant.now()), slow);
        assertThatThrownBy(() -> scorer.score(m, new int[] {0}, 1)).isInstanceOf(TimeoutException.class);
        m.release(); // the registry retires it while the native run is still going
        assertThat(closed).isFalse();
        release.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilTrue(closed);
        assertThat(m.tryAcquire()).isFalse();
        scorer.stop();
    }

    @Test
    void anInlineModelRunsOnTheCallersThreadAndItsFailureIsAnExecutionException() throws Exception {
        Scorer scorer = new Scorer(new RecommendProperties(), new SimpleMeterRegistry());
        Thread caller = Thread.currentThread();
        AtomicBoolean fail = new AtomicBoolean();
        ScoringModel fast = new ScoringModel() {
            @Override
            public Scores score(int[] history, int k) {
                assertThat(Thread.currentThread()).isSameAs(caller);
                if (fail.get()) {
                    throw new IllegalStateException("boom");
                }
                return new Scores(new int[] {0}, new float[] {1});
            }

            @Override
            public boolean inline() {
                return true;
            }

            @Override
            public void close() {}
        };
        LoadedModel m = new LoadedModel(3, new ModelMetadata("t", 3, Map.of(), "", List.of("A"), false, Map.of(),
                Instant.now()), fast);
        assertThat(scorer.score(m, new int[] {0}, 1).indices()).containsExactly(0);
        fail.set(true);
        assertThatThrownBy(() -> scorer.score(m, new int[] {0}, 1)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("boom");
        m.release(); // the loader's own reference: the inline path leaves the count as it found it
        assertThat(m.tryAcquire()).isFalse();
        scorer.stop();
    }

    @Test
    void theScoreCacheAnswersTheSameModelHistoryAndKAndNothingElse() throws Exception {
        Scorer scorer = new Scorer(new RecommendProperties(), new SimpleMeterRegistry());
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        ScoringModel counting = new ScoringModel() {
            @Override
            public Scores score(int[] history, int k) {
                runs.incrementAndGet();
                return new Scores(new int[] {history[0]}, new float[] {k});
            }

            @Override
            public boolean inline() {
                return true;
            }

            @Override
            public void close() {}
        };
        ModelMetadata meta = new ModelMetadata("t", 3, Map.of(), "", List.of("A", "B"), false, Map.of(), Instant.now());
        LoadedModel m = new LoadedModel(3, meta, counting);
        assertThat(scorer.cached(m, new int[] {1, 0}, 2)).isNull();
        Scores first = scorer.score(m, new int[] {1, 0}, 2);
        assertThat(scorer.cached(m, new int[] {1, 0}, 2)).isSameAs(first);
        assertThat(scorer.cached(m, new int[] {0, 1}, 2)).isNull(); // another history (order is the model's input)
        assertThat(scorer.cached(m, new int[] {1, 0}, 3)).isNull(); // another k
        // the same version loaded again is another model: never an older instance's scores
        assertThat(scorer.cached(new LoadedModel(3, meta, counting), new int[] {1, 0}, 2)).isNull();
        assertThat(runs).hasValue(1);

        ScoringModel remote = new ScoringModel() {
            @Override
            public Scores score(int[] history, int k) {
                runs.incrementAndGet();
                return new Scores(new int[] {0}, new float[] {1});
            }

            @Override
            public boolean inline() {
                return true;
            }

            @Override
            public boolean cacheable() {
                return false;
            }

            @Override
            public void close() {}
        };
        LoadedModel r = new LoadedModel(4, meta, remote);
        scorer.score(r, new int[] {0}, 1);
        assertThat(scorer.cached(r, new int[] {0}, 1)).isNull();
        scorer.stop();
    }
}
