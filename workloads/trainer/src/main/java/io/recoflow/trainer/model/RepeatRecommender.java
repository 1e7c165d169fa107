package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;
import java.util.Map;

/**
 * The user's own purchase counts ("buy again"), ties and the rest of the list filled by global popularity (scaled
 * to at most 0.5, so it never outranks a bought item).
 */
public final class RepeatRecommender implements Recommender {
    private float[] popularity;

    @Override
    public String type() {
        return "repeat";
    }

    @Override
    public Map<String, Object> params() {
        return Map.of();
    }

    @Override
    public void fit(SparseMatrix userItem) {
        popularity = Popularity.of(userItem);
        for (int i = 0; i < popularity.length; i++) {
            popularity[i] *= 0.5f;
        }
    }

    @Override
    public int items() {
        return popularity.length;
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        System.arraycopy(popularity, 0, out, 0, popularity.length);
        for (int k = 0; k < items.length; k++) {
            out[items[k]] = counts[k] + popularity[items[k]];
        }
    }

    @Override
    public ModelExport export() {
        return new ModelExport.Repeat(popularity.clone());
    }
}
