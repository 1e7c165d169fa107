package io.recoflow.trainer.eval;

import java.util.BitSet;

/**
 * Top-k accuracy of one ranked list against one user's relevant set (binary relevance). Definitions:
 * <ul>
 *   <li>Recall@k = hits / |R|; Precision@k = hits / k; HR@k = [hits > 0]</li>
 *   <li>NDCG@k = Σ_{hit at rank i} 1/log2(i+1) divided by the same sum over the first min(|R|, k) ranks</li>
 *   <li>MAP@k = Σ_{hit at rank i} precision@i / min(|R|, k): a perfect top-k scores 1 however large R is (the
 *       convention of e.g. RecBole); MRR@k = 1 / rank of the first hit (0 if none)</li>
 *   <li>{@code mapAllRelevant} = the same sum / |R|, as some published tables define MAP@k; it cannot reach 1 when
 *       |R| > k. The two agree for users with |R| <= k</li>
 * </ul>
 * Ranks start at 1. A list shorter than k counts the missing places as misses.
 */
public record Metrics(double recall, double ndcg, double precision, double map, double mapAllRelevant, double hr,
        double mrr) {

    public static Metrics of(int[] ranked, BitSet relevant, int k) {
        int rel = relevant.cardinality();
        if (rel == 0) {
            throw new IllegalArgumentException("no relevant items");
        }
        int hits = 0;
        double dcg = 0;
        double ap = 0;
        double rr = 0;
        for (int i = 0; i < Math.min(k, ranked.length); i++) {
            if (relevant.get(ranked[i])) {
                hits++;
                dcg += 1 / log2(i + 2);
                ap += (double) hits / (i + 1);
                if (rr == 0) {
                    rr = 1.0 / (i + 1);
                }
            }
        }
        double idcg = 0;
        for (int i = 0; i < Math.min(rel, k); i++) {
            idcg += 1 / log2(i + 2);
        }
        return new Metrics((double) hits / rel, dcg / idcg, (double) hits / k, ap / Math.min(rel, k), ap / rel,
                hits > 0 ? 1 : 0, rr);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Running mean over users. */
    public static final class Mean {
        private double recall;
        private double ndcg;
        private double precision;
        private double map;
        private double mapAllRelevant;
        private double hr;
        private double mrr;
        private int n;

        public void add(Metrics m) {
            recall += m.recall;
            ndcg += m.ndcg;
            precision += m.precision;
            map += m.map;
            mapAllRelevant += m.mapAllRelevant;
            hr += m.hr;
            mrr += m.mrr;
            n++;
        }

        public int count() {
            return n;
        }

        public Metrics mean() {
            if (n == 0) {
                return new Metrics(0, 0, 0, 0, 0, 0, 0);
            }
            return new Metrics(recall / n, ndcg / n, precision / n, map / n, mapAllRelevant / n, hr / n, mrr / n);
        }
    }
}
