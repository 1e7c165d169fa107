package io.recoflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recoflow.trainer.data.Interaction;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HybridRecommenderTest {
    /** User 0 of {@link EaseRecommenderTest#tiny()}: item 0 bought once, item 1 twice. */
    static final int[] ITEMS = {0, 1};
    static final float[] COUNTS = {1, 2};
    /**
     * Item-kNN with one neighbour on the tiny matrix (see EaseRecommenderTest): row 0 keeps item 1 (cos 1/√6, tie
     * with item 2 goes to the lower index), rows 1 and 2 keep each other (cos 1/2). User 0's base scores are
     * row 0 + row 1 = [0, 1/√6, 1/2].
     */
    static final double S = 1 / Math.sqrt(6);

    static float[] score(String spec, int[] items, float[] counts) {
        Recommender r = ModelSpec.parse(spec).create();
        r.fit(EaseRecommenderTest.tiny());
        float[] out = new float[3];
        r.score(items, counts, out);
        return out;
    }

    @Test
    void logCurveOnMaxNormalisedBase() {
        // scale = max base score = 1/2, so the history items get 0.5 · 0.5 · log(1 + count)
        float[] s = score("hybrid:base=itemknn:neighbours=1:beta=0.5:curve=log:norm=max:gamma=0", ITEMS, COUNTS);
        assertThat(s[0]).isCloseTo((float) (0.25 * Math.log(2)), within(1e-6f));
        assertThat(s[1]).isCloseTo((float) (S + 0.25 * Math.log(3)), within(1e-6f));
        assertThat(s[2]).isEqualTo(0.5f);
        assertThat(TopK.select(s, 3, null)).containsExactly(1, 2, 0);
    }

    @Test
    void linearAndBinaryCurvesOnTheRawBase() {
        float[] lin = score("hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:gamma=0", ITEMS, COUNTS);
        assertThat(lin[0]).isCloseTo(2f, within(1e-6f));
        assertThat(lin[1]).isCloseTo((float) (4 + S), within(1e-6f));
        assertThat(lin[2]).isCloseTo(0.5f, within(1e-6f));
        assertThat(TopK.select(lin, 3, null)).containsExactly(1, 0, 2);

        float[] bin = score("hybrid:base=itemknn:neighbours=1:beta=1:curve=binary:norm=none:gamma=0", ITEMS, COUNTS);
        assertThat(bin[0]).isCloseTo(1f, within(1e-6f));
        assertThat(bin[1]).isCloseTo((float) (1 + S), within(1e-6f));
        assertThat(bin[2]).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void priorBreaksTiesAmongTheUsersOwnItems() {
        // rebuy prior = rebuyers / (buyers + 1): item 0 bought by 3 users, once more than once (user 2) -> 1/4;
        // item 1 by 2 users, user 0 twice -> 1/3; item 2 by 2 users, never twice -> 0
        float[] s = score("hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:prior=rebuy:gamma=4",
                ITEMS, COUNTS);
        assertThat(s[0]).isCloseTo(2f * (1 + 4 * 0.25f), within(1e-6f));
        assertThat(s[1]).isCloseTo((float) (S + 2 * (2 + 4.0 / 3)), within(1e-5f));
        assertThat(s[2]).isEqualTo(0.5f);
        // popularity prior: item 0 has 1, item 1 has 2/3
        float[] p = score("hybrid:base=itemknn:neighbours=1:beta=1:curve=binary:norm=none:prior=popularity:gamma=0.5",
                ITEMS, COUNTS);
        assertThat(p[0]).isCloseTo(1.5f, within(1e-6f));
        assertThat(p[1]).isCloseTo((float) (S + 1 + 0.5 * 2 / 3), within(1e-6f));
        assertThat(TopK.select(p, 3, null)).containsExactly(1, 0, 2);
    }

    @Test
    void recencyDecaysTheOwnItemsByTheirRankInTheNewestFirstHistory() {
        // no decay and no rho: exactly the model without the term
        assertThat(score("hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:gamma=0:recency=1:rho=0",
                ITEMS, COUNTS)).containsExactly(
                score("hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:gamma=0", ITEMS, COUNTS));
        // item 0 bought last (rank 0, decay 1), item 1 before (rank 1, decay 0.5):
        // item 0: 2 · (1 + 1) · 1 = 4; item 1: S + 2 · (2 + 1) · 0.5 = S + 3
        float[] s = score("hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:gamma=0:recency=0.5:rho=1",
                ITEMS, COUNTS);
        assertThat(s[0]).isCloseTo(4f, within(1e-6f));
        assertThat(s[1]).isCloseTo((float) (S + 3), within(1e-6f));
        assertThat(s[2]).isCloseTo(0.5f, within(1e-6f));
        assertThat(TopK.select(s, 3, null)).containsExactly(0, 1, 2);
        // the other order: item 1 bought last. item 1: S + 2 · 3 · 1; item 0: 2 · 2 · 0.5 = 2
        float[] t = score("hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:gamma=0:recency=0.5:rho=1",
                new int[] {1, 0}, new float[] {2, 1});
        assertThat(t[1]).isCloseTo((float) (S + 6), within(1e-6f));
        assertThat(t[0]).isCloseTo(2f, within(1e-6f));
        // the prior is not decayed: item 1 at rank 1 with prior 1/3, gamma 3 -> S + 2 · (2 · 0.5 + 1)
        float[] u = score("hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:gamma=3:recency=0.5",
                ITEMS, COUNTS);
        assertThat(u[1]).isCloseTo((float) (S + 2 * (2 * 0.5 + 1)), within(1e-5f));
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:recency=0").create())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recency must be in (0, 1]");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:recency=1.5").create())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recency");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:rho=-1").create())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rho must be");
    }

    /**
     * {@link EaseRecommenderTest#tiny()} with purchase times (in days; the latest purchase is day 100):
     * user 0 buys item 0 on day 50 and item 1 on days 60 and 95; user 1 item 1 on day 99 and item 2 on day 100;
     * user 2 item 0 on days 10, 20, 92; user 3 item 0 on day 30 and item 2 on day 40.
     */
    static Interactions timed() {
        long d = 86_400;
        return Interactions.of(List.of(new Interaction("u0", "i0", 50 * d, 1), new Interaction("u0", "i1", 60 * d, 1),
                new Interaction("u0", "i1", 95 * d, 1), new Interaction("u1", "i1", 99 * d, 1),
                new Interaction("u1", "i2", 100 * d, 1), new Interaction("u2", "i0", 10 * d, 1),
                new Interaction("u2", "i0", 20 * d, 1), new Interaction("u2", "i0", 92 * d, 1),
                new Interaction("u3", "i0", 30 * d, 1), new Interaction("u3", "i2", 40 * d, 1)));
    }

    static float[] scoreTimed(String spec, int[] items, float[] counts) {
        Recommender r = ModelSpec.parse(spec).create();
        r.fit(timed());
        float[] out = new float[3];
        r.score(items, counts, out);
        return out;
    }

    @Test
    void trendCountsTheBuyersOfTheLastDays() {
        Interactions t = timed();
        assertThat(t.matrix().rowValues(0)).containsExactly(1, 2);
        // last 10 days (after day 90): item 0 user 2, item 1 users 0 and 1, item 2 user 1 -> 1, 2, 1 of max 2
        assertThat(HybridRecommender.trend(t, HybridRecommender.Trend.RECENT, 10)).containsExactly(0.5f, 1f, 0.5f);
        // lift: recent / (buyers + 1) = 1/4, 2/3, 1/3, scaled by the largest (2/3)
        assertThat(HybridRecommender.trend(t, HybridRecommender.Trend.LIFT, 10))
                .containsExactly(0.375f, 1f, 0.5f);
        // last 5 days (after day 95, exclusive): item 1 user 1 only, item 2 user 1
        assertThat(HybridRecommender.trend(t, HybridRecommender.Trend.RECENT, 5)).containsExactly(0f, 1f, 1f);
    }

    @Test
    void trendAsThePriorAndOnEveryItem() {
        // user 0 (items 0 and 1, counts 1 and 2), base [0, S, 1/2]; trend (10 days) [1/2, 1, 1/2]
        // prior = trend, gamma 4: item 0: 2 · (1 + 4 · 0.5) = 6; item 1: S + 2 · (2 + 4) = S + 12
        String own = "hybrid:base=itemknn:neighbours=1:beta=2:curve=linear:norm=none:gamma=4:days=10";
        float[] p = scoreTimed(own + ":prior=trend", ITEMS, COUNTS);
        assertThat(p[0]).isCloseTo(6f, within(1e-6f));
        assertThat(p[1]).isCloseTo((float) (S + 12), within(1e-5f));
        assertThat(p[2]).isEqualTo(0.5f);
        // + delta · trend on every item, delta 3: 6 + 1.5, S + 12 + 3, 0.5 + 1.5
        float[] d = scoreTimed(own + ":prior=trend:delta=3", ITEMS, COUNTS);
        assertThat(d[0]).isCloseTo(7.5f, within(1e-6f));
        assertThat(d[1]).isCloseTo((float) (S + 15), within(1e-5f));
        assertThat(d[2]).isCloseTo(2f, within(1e-6f));
        assertThat(TopK.select(d, 3, null)).containsExactly(1, 0, 2);
        // norm = max: scale 1/2 multiplies beta and delta (w = 1, d = 1.5): 3 + 0.75, S + 6 + 1.5, 0.5 + 0.75
        float[] m = scoreTimed(own.replace("norm=none", "norm=max") + ":prior=trend:delta=3", ITEMS, COUNTS);
        assertThat(m[0]).isCloseTo(3.75f, within(1e-6f));
        assertThat(m[1]).isCloseTo((float) (S + 7.5), within(1e-5f));
        assertThat(m[2]).isCloseTo(1.25f, within(1e-6f));
        // rebuy × trend: [1/4, 1/3, 0] × [1/2, 1, 1/2] = [1/8, 1/3, 0]: 2 · (1 + 0.5), S + 2 · (2 + 4/3)
        float[] rt = scoreTimed(own + ":prior=rebuy_trend", ITEMS, COUNTS);
        assertThat(rt[0]).isCloseTo(3f, within(1e-6f));
        assertThat(rt[1]).isCloseTo((float) (S + 2 * (2 + 4.0 / 3)), within(1e-5f));
        // lift trend [3/8, 1, 1/2] as the prior: 2 · (1 + 1.5) = 5
        assertThat(scoreTimed(own + ":prior=trend:trend=lift", ITEMS, COUNTS)[0]).isCloseTo(5f, within(1e-6f));
        // empty history: popularity [1, 2/3, 2/3] + delta · trend (scale 1 with norm none)
        assertThat(scoreTimed(own + ":delta=3", new int[0], new float[0]))
                .containsExactly(2.5f, 2f / 3 + 3f, 2f / 3 + 1.5f);
        // delta 0 and a time-free prior: exactly the model fitted on the bare matrix
        assertThat(scoreTimed(own + ":prior=rebuy", ITEMS, COUNTS))
                .containsExactly(score(own + ":prior=rebuy", ITEMS, COUNTS));
    }

    @Test
    void theTrendNeedsPurchaseTimes() {
        Recommender r = ModelSpec.parse("hybrid:base=itemknn:neighbours=1:delta=1").create();
        assertThatThrownBy(() -> r.fit(EaseRecommenderTest.tiny())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs purchase times");
        Recommender q = ModelSpec.parse("hybrid:base=itemknn:neighbours=1:prior=trend").create();
        assertThatThrownBy(() -> q.fit(EaseRecommenderTest.tiny())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:delta=-1").create()).hasMessageContaining("delta must be");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:days=0").create()).hasMessageContaining("days must be");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:trend=up").create()).hasMessageContaining("trend");
    }

    @Test
    void betaZeroIsTheBaseAndEmptyHistoryIsPopularity() {
        float[] base = score("itemknn:neighbours=1", ITEMS, COUNTS);
        assertThat(score("hybrid:base=itemknn:neighbours=1:beta=0:norm=none", ITEMS, COUNTS)).containsExactly(base);
        assertThat(score("hybrid:base=itemknn:neighbours=1:beta=0", ITEMS, COUNTS)).containsExactly(base);
        // popularity: item 0 bought by 3 users, items 1 and 2 by 2
        assertThat(score("hybrid:base=itemknn:neighbours=1:beta=3", new int[0], new float[0]))
                .containsExactly(1f, 2f / 3, 2f / 3);
    }

    @Test
    void newItemsKeepTheExactBaseScores() {
        Random rnd = new Random(7);
        List<int[]> pairs = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            for (int i = 0; i < 15; i++) {
                if (rnd.nextInt(4) == 0) {
                    pairs.add(new int[] {u, i, 1 + rnd.nextInt(3)});
                }
            }
        }
        int[] r = pairs.stream().mapToInt(p -> p[0]).toArray();
        int[] c = pairs.stream().mapToInt(p -> p[1]).toArray();
        float[] v = new float[pairs.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = pairs.get(k)[2];
        }
        SparseMatrix m = SparseMatrix.of(40, 15, r, c, v);
        Recommender ease = ModelSpec.parse("ease:lambda=5").create();
        Recommender hybrid = ModelSpec.parse("hybrid:base=ease:lambda=5:beta=0.7").create();
        ease.fit(m);
        hybrid.fit(m);
        float[] a = new float[15];
        float[] b = new float[15];
        for (int u = 0; u < 40; u++) {
            BitSet own = new BitSet();
            for (int i : m.rowIndices(u)) {
                own.set(i);
            }
            ease.score(m.rowIndices(u), m.rowValues(u), a);
            hybrid.score(m.rowIndices(u), m.rowValues(u), b);
            for (int i = 0; i < 15; i++) {
                if (!own.get(i)) {
                    assertThat(b[i]).as("user %d item %d", u, i).isEqualTo(a[i]);
                }
            }
            assertThat(TopK.select(b, 5, own)).as("user %d", u).containsExactly(TopK.select(a, 5, own));
        }
    }

    @Test
    void specNamesTheBaseAndItsParameters() {
        Recommender r = ModelSpec.parse("hybrid:base=ease:lambda=100:beta=0.5").create();
        assertThat(r.type()).isEqualTo("hybrid");
        assertThat(r.params()).containsEntry("base", "ease").containsEntry("lambda", 100.0)
                .containsEntry("beta", 0.5).containsEntry("curve", "linear").containsEntry("norm", "max")
                .containsEntry("prior", "rebuy").containsEntry("gamma", 1.0);
        assertThat(ModelSpec.parse("hybrid:base=als:factors=8:beta=2").baseSpec().toString())
                .isEqualTo("als:factors=8");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:base=repeat")).hasMessageContaining("hybrid base");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:neighbours=5")).hasMessageContaining("unknown parameter");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:curve=cubic").create()).hasMessageContaining("curve");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:beta=-1").create()).hasMessageContaining("beta");
        assertThatThrownBy(() -> ModelSpec.parse("hybrid:gamma=x").create()).hasMessageContaining("gamma");
    }
}
