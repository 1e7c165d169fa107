package io.recoflow.trainer.model;

import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import java.util.Map;

/**
 * A recommender: fit on a user x item matrix (values = purchase counts), then score one user's history into a dense
 * vector over all items. Scoring takes the history rather than a user id so that it works for users unseen in
 * training, exactly like the exported SavedModel (see {@link ModelExport}).
 */
public interface Recommender {

    /** Model type as written to metadata: popular, repeat, itemknn, ease, als. */
    String type();

    Map<String, Object> params();

    void fit(SparseMatrix userItem);

    /**
     * Fits on the training interactions: the matrix plus each pair's last purchase time. Models that only need the
     * matrix (all but a hybrid with a trend) fit on the matrix.
     */
    default void fit(Interactions train) {
        fit(train.matrix());
    }

    /** Item count seen at fit time (length of the score vector). */
    int items();

    /**
     * Writes a score for every item into {@code out}.
     *
     * @param items distinct item indices of the user's history, newest first: ordered by the time of the item's last
     *     purchase, latest first. This is the order of first occurrence in the SavedModel's {@code history} input
     *     (the recommendation service sends it newest first), so position k here is the recency rank the graph
     *     derives from it. Only models with a recency term ({@link HybridRecommender}) depend on the order.
     * @param counts how often each was bought (same length); an empty history gives the popularity scores
     */
    void score(int[] items, float[] counts, float[] out);

    /** What the SavedModel needs to compute the same scores as {@link #score}. */
    ModelExport export();
}
