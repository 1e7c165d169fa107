package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "Buy again" blended into a collaborative base model (EASE, ALS, item-kNN):
 * {@code score_j = base_j + beta * scale * ((curve(count_j) + rho) * recency^r_j + gamma * prior_j)} for the items of
 * the history, where count_j is how often the user bought j, r_j its recency rank (0 for the item bought last: its
 * position in the newest-first history, see {@link Recommender#score}), prior_j an item-level tie-break
 * ({@link Prior}) and scale is 1, or this user's largest |base| score ({@link Norm#MAX}), so that beta weighs the
 * repeat signal against the base's own scale whatever the history length. recency = 1 and rho = 0 (the defaults)
 * turn the recency term off exactly. Items outside the
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

    /** An item-level tie-break among the user's own items (which of them people buy again). */
    public enum Prior {
        /** share of users who bought the item (max 1), as the repeat baseline breaks ties. */
        POPULARITY,
        /** share of the item's buyers who bought it more than once: rebuyers / (buyers + 1). */
        REBUY;

        float[] of(SparseMatrix userItem) {
            if (this == POPULARITY) {
                return Popularity.of(userItem);
            }
            float[] buyers = new float[userItem.cols()];
            float[] rebuyers = new float[userItem.cols()];
            for (int k = 0; k < userItem.nnz(); k++) {
                buyers[userItem.col(k)]++;
                if (userItem.value(k) >= 2) {
                    rebuyers[userItem.col(k)]++;
                }
            }
            float[] p = new float[buyers.length];
            for (int j = 0; j < p.length; j++) {
                p[j] = rebuyers[j] / (buyers[j] + 1);
            }
            return p;
        }
    }

    private final Recommender base;
    private final double beta;
    private final Curve curve;
    private final Norm norm;
    private final Prior prior;
    private final double gamma;
    private final double recency;
    private final double rho;
    private float[] priors;

    /** Without the recency term (recency = 1, rho = 0). */
    public HybridRecommender(Recommender base, double beta, Curve curve, Norm norm, Prior prior, double gamma) {
        this(base, beta, curve, norm, prior, gamma, 1, 0);
    }

    /**
     * @param recency decay per recency rank, in (0, 1]; 1 = no decay
     * @param rho added to curve(count) before the decay, so that recency can count without many purchases
     */
    public HybridRecommender(Recommender base, double beta, Curve curve, Norm norm, Prior prior, double gamma,
            double recency, double rho) {
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
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be a finite number >= 0, got " + gamma);
        }
        this.prior = prior;
        this.gamma = gamma;
        if (!(recency > 0 && recency <= 1)) {
            throw new IllegalArgumentException("recency must be in (0, 1], got " + recency);
        }
        if (!(rho >= 0) || Double.isInfinite(rho)) {
            throw new IllegalArgumentException("rho must be a finite number >= 0, got " + rho);
        }
        this.recency = recency;
        this.rho = rho;
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
        p.put("prior", prior.name().toLowerCase());
        p.put("gamma", gamma);
        p.put("recency", recency);
        p.put("rho", rho);
        return p;
    }

    @Override
    public void fit(SparseMatrix userItem) {
        base.fit(userItem);
        priors = prior.of(userItem);
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
            int j = items[k];
            // items come newest first: k is the recency rank
            double decay = Math.pow(recency, k);
            out[j] = (float) (out[j] + w * ((curve.of(counts[k]) + rho) * decay + gamma * priors[j]));
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
        return new ModelExport.Blend(base.export(), beta, curve, norm, gamma, priors.clone(), recency, rho);
    }
}
