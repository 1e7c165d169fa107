package io.recoflow.trainer.model;

/**
 * The trained state a SavedModel is built from, one shape per family of scorer. Every graph adds
 * {@code popularity} when the history is empty, so an empty history is answered with the most popular items.
 */
public sealed interface ModelExport {

    int items();

    float[] popularity();

    /** scores = popularity (the history is ignored). */
    record Popular(float[] popularity) implements ModelExport {
        @Override
        public int items() {
            return popularity.length;
        }
    }

    /** scores = count of each item in the history + popularity (popularity is below 1, so it only breaks ties). */
    record Repeat(float[] popularity) implements ModelExport {
        @Override
        public int items() {
            return popularity.length;
        }
    }

    /**
     * scores = sum of rows {@code b[i,:]} over the distinct history items i (EASE, item-kNN); {@code b} is n x n
     * row-major.
     */
    record ItemItem(int items, float[] b, float[] popularity) implements ModelExport {}

    /**
     * Implicit-ALS fold-in: with c_i = 1 + alpha * count_i over the distinct history items,
     * x = (YᵀY + λ'I + Σ (c_i − 1) y_i y_iᵀ)⁻¹ Σ c_i y_i and scores = Y x, where λ' = λ, or λ times the number of
     * distinct history items when {@code scaleLambda} (Spark's ALS-WR convention). {@code y} is items x factors
     * row-major, {@code gram} is YᵀY (factors x factors).
     */
    record Factors(int items, int factors, double[] y, double[] gram, double lambda, boolean scaleLambda, double alpha,
            float[] popularity) implements ModelExport {}

    /**
     * A collaborative base blended with the user's own purchase counts, see {@link HybridRecommender}:
     * scores = base + beta * scale * ((curve(count) + rho) * recency^r + gamma * prior) on the history items, in
     * float64, rounded once. r is the item's recency rank: the position of its first occurrence among the distinct
     * items of the {@code history} input, which the caller sends newest first (0 = bought last). With an empty
     * history it is the base's popularity answer. {@code prior} has one value per item. With {@code delta > 0},
     * {@code delta * scale * trend} is then added to every item (history or not); {@code trend} (one value per item)
     * may be null when delta is 0.
     */
    record Blend(ModelExport base, double beta, HybridRecommender.Curve curve, HybridRecommender.Norm norm,
            double gamma, float[] prior, double recency, double rho, double delta, float[] trend)
            implements ModelExport {
        public Blend {
            if (delta != 0 && (trend == null || trend.length != base.items())) {
                throw new IllegalArgumentException("delta " + delta + " needs a trend value for each of the "
                        + base.items() + " items");
            }
            if (base instanceof Blend || base instanceof Popular || base instanceof Repeat) {
                throw new IllegalArgumentException("a blend needs an item-item or factor base, got "
                        + base.getClass().getSimpleName());
            }
            if (prior.length != base.items()) {
                throw new IllegalArgumentException("prior has " + prior.length + " values for " + base.items()
                        + " items");
            }
        }

        @Override
        public int items() {
            return base.items();
        }

        @Override
        public float[] popularity() {
            return base.popularity();
        }
    }
}
