package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "Buy again" blended into a collaborative base model (EASE, ALS, item-kNN):
 * {@code score_j = base_j + beta * scale * curve(count_j)}, where count_j is how often the user bought j (0 outside
 * the history, and curve(0) = 0) and scale is 1, or this user's largest |base| score ({@link Norm#MAX}), so that
 * beta weighs the repeat signal against the base's own scale whatever the history length. Items outside the
 * history keep their exact base score, so new items are ranked exactly like the base model ranks them. An empty
 * history gives the popularity scores. The blend is computed in float64 and rounded once, like the exported graph.
 */
public final class HybridRecommender implements Recommender {

    /** How a purchase count turns into the repeat score. */
    public enum Curve {
        /** log(1 + count): a second purchase adds less than the first. */
        LOG,
        /** count. */
        LINEAR,
        /** 1 for any bought item. */
        BINARY;

        double of(double count) {
            return switch (this) {
                case LOG -> Math.log1p(count);
                case LINEAR -> count;
                case BINARY -> Math.min(count, 1);
            };
        }
    }

    /** What beta is relative to: 1, or the user's largest |base| score. */
    public enum Norm { NONE, MAX }

    private final Recommender base;
    private final double beta;
    private final Curve curve;
    private final Norm norm;

    public HybridRecommender(Recommender base, double beta, Curve curve, Norm norm) {
        if (base instanceof HybridRecommender || base instanceof PopularRecommender
                || base instanceof RepeatRecommender) {
            throw new IllegalArgumentException("hybrid base must be ease, als or itemknn, got " + base.type());
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        }
        this.base = base;
        this.beta = beta;
        this.curve = curve;
        this.norm = norm;
    }

    @Override
    public String type() {
        return "hybrid";
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("base", base.type());
        p.putAll(base.params());
        p.put("beta", beta);
        p.put("curve", curve.name().toLowerCase());
        p.put("norm", norm.name().toLowerCase());
        return p;
    }

    @Override
    public void fit(SparseMatrix userItem) {
        base.fit(userItem);
    }

    @Override
    public int items() {
        return base.items();
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        base.score(items, counts, out);
        double w = beta * scale(out);
        for (int k = 0; k < items.length; k++) {
            out[items[k]] = (float) (out[items[k]] + w * curve.of(counts[k]));
        }
    }

    /** 1, or the user's largest |base| score (1 when all are 0). */
    private double scale(float[] base) {
        if (norm == Norm.NONE) {
            return 1;
        }
        double m = 0;
        for (float v : base) {
            m = Math.max(m, Math.abs((double) v));
        }
        return m > 0 ? m : 1;
    }

    @Override
    public ModelExport export() {
        return new ModelExport.Blend(base.export(), beta, curve, norm);
    }
}
