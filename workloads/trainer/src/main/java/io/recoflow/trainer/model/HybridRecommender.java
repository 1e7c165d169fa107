package io.recoflow.trainer.model;

import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "Buy again" blended into a collaborative base model (EASE, ALS, item-kNN):
 * {@code score_j = base_j + beta * scale * ((curve(count_j) + rho) * recency^r_j + gamma * prior_j)
 * + delta * scale * trend_j} for the items of the history, {@code base_j + delta * scale * trend_j} elsewhere, where
 * count_j is how often the user bought j, r_j its recency rank (0 for the item bought last: its position in the
 * newest-first history, see {@link Recommender#score}), prior_j an item-level tie-break ({@link Prior}), trend_j
 * what sells lately ({@link Trend}) and scale is 1, or this user's largest |base| score ({@link Norm#MAX}), so that
 * beta and delta weigh their signals against the base's own scale whatever the history length. recency = 1 and
 * rho = 0 (the defaults) turn the recency term off exactly, delta = 0 (the default) the trend term. With delta = 0
 * items outside the history keep their exact base score, so new items are ranked exactly like the base model ranks
 * them. An empty history gives the popularity scores. The blend is computed in float64 and rounded once, like the
 * exported graph.
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
        REBUY,
        /** the item's trend ({@link Trend}): what is selling now. */
        TREND,
        /** rebuy × trend: items people buy again and that sell now. */
        REBUY_TREND
    }

    /**
     * An item's trend, from the buyers whose last purchase of it falls in the last {@code days} days of the training
     * data (recent buyers), scaled so that the largest value is 1.
     */
    public enum Trend {
        /** recent buyers: the popularity of the last days. */
        RECENT,
        /** recent buyers / (all buyers + 1): the share of the item's buyers who bought it lately (rising items). */
        LIFT
    }

    private final Recommender base;
    private final double beta;
    private final Curve curve;
    private final Norm norm;
    private final Prior prior;
    private final double gamma;
    private final double recency;
    private final double rho;
    private final double delta;
    private final Trend trend;
    private final double days;
    private float[] priors;
    private float[] trends;

    /** Without the recency and trend terms (recency = 1, rho = 0, delta = 0). */
    public HybridRecommender(Recommender base, double beta, Curve curve, Norm norm, Prior prior, double gamma) {
        this(base, beta, curve, norm, prior, gamma, 1, 0, 0, Trend.RECENT, 14);
    }

    /**
     * @param recency decay per recency rank, in (0, 1]; 1 = no decay
     * @param rho added to curve(count) before the decay, so that recency can count without many purchases
     * @param delta weight of the trend on every item (scaled like beta); 0 = off
     * @param trend how the trend is measured (for {@code delta} and the trend priors)
     * @param days the trend's window: the last {@code days} days before the latest purchase of the training data
     */
    public HybridRecommender(Recommender base, double beta, Curve curve, Norm norm, Prior prior, double gamma,
            double recency, double rho, double delta, Trend trend, double days) {
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
        if (!(delta >= 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("delta must be a finite number >= 0, got " + delta);
        }
        if (!(days > 0) || Double.isInfinite(days)) {
            throw new IllegalArgumentException("days must be a finite number > 0, got " + days);
        }
        this.delta = delta;
        this.trend = trend;
        this.days = days;
    }

    /** Whether fitting needs purchase times (the trend), i.e. {@link #fit(Interactions)}. */
    private boolean needsTimes() {
        return delta != 0 || prior == Prior.TREND || prior == Prior.REBUY_TREND;
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
        p.put("delta", delta);
        p.put("trend", trend.name().toLowerCase());
        p.put("days", days);
        return p;
    }

    @Override
    public void fit(SparseMatrix userItem) {
        if (needsTimes()) {
            throw new IllegalStateException("the trend (delta > 0 or prior " + prior.name().toLowerCase()
                    + ") needs purchase times: fit with the interactions, not the bare matrix");
        }
        base.fit(userItem);
        priors = priors(userItem, null);
        trends = null;
    }

    @Override
    public void fit(Interactions train) {
        if (!needsTimes()) {
            fit(train.matrix());
            return;
        }
        base.fit(train.matrix());
        trends = trend(train, trend, days);
        priors = priors(train.matrix(), trends);
    }

    private float[] priors(SparseMatrix userItem, float[] trends) {
        return switch (prior) {
            case POPULARITY -> Popularity.of(userItem);
            case REBUY -> rebuy(userItem);
            case TREND -> trends.clone();
            case REBUY_TREND -> {
                float[] p = rebuy(userItem);
                for (int j = 0; j < p.length; j++) {
                    p[j] *= trends[j];
                }
                yield p;
            }
        };
    }

    /** rebuyers / (buyers + 1) per item. */
    static float[] rebuy(SparseMatrix userItem) {
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

    /**
     * Each item's trend, scaled to a largest value of 1 (all 0 when no item was bought in the window). Recent buyers
     * are the users whose last purchase of the item is later than the latest purchase of the data minus
     * {@code days} days: the window ends where the training data ends, so the same code serves a held-out split and
     * the final model.
     */
    static float[] trend(Interactions train, Trend kind, double days) {
        SparseMatrix m = train.matrix();
        long latest = Long.MIN_VALUE;
        for (long t : train.lastTime()) {
            latest = Math.max(latest, t);
        }
        double from = latest - days * 86_400;
        float[] recent = new float[m.cols()];
        float[] buyers = new float[m.cols()];
        for (int k = 0; k < m.nnz(); k++) {
            buyers[m.col(k)]++;
            if (train.lastTime()[k] > from) {
                recent[m.col(k)]++;
            }
        }
        float[] t = new float[m.cols()];
        float max = 0;
        for (int j = 0; j < t.length; j++) {
            t[j] = kind == Trend.RECENT ? recent[j] : recent[j] / (buyers[j] + 1);
            max = Math.max(max, t[j]);
        }
        if (max > 0) {
            for (int j = 0; j < t.length; j++) {
                t[j] /= max;
            }
        }
        return t;
    }

    @Override
    public int items() {
        return base.items();
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        base.score(items, counts, out);
        double s = scale(out);
        double w = beta * s;
        double[] own = new double[items.length];
        for (int k = 0; k < items.length; k++) {
            int j = items[k];
            // items come newest first: k is the recency rank
            double decay = Math.pow(recency, k);
            own[k] = out[j] + w * ((curve.of(counts[k]) + rho) * decay + gamma * priors[j]);
        }
        if (delta != 0) {
            // (base + w·own) + d·trend, summed in this order and rounded once, like the graph
            double d = delta * s;
            for (int k = 0; k < items.length; k++) {
                own[k] += d * trends[items[k]];
            }
            for (int j = 0; j < out.length; j++) {
                out[j] = (float) (out[j] + d * trends[j]);
            }
        }
        for (int k = 0; k < items.length; k++) {
            out[items[k]] = (float) own[k];
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
        return new ModelExport.Blend(base.export(), beta, curve, norm, gamma, priors.clone(), recency, rho, delta,
                delta != 0 ? trends.clone() : null);
    }
}
