package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;
import java.util.Map;

/** Global popularity: the same list for everyone. */
public final class PopularRecommender implements Recommender {
    private float[] popularity;

    @Override
    public String type() {
        return "popular";
    }

    @Override
    public Map<String, Object> params() {
        return Map.of();
    }

    @Override
    public void fit(SparseMatrix userItem) {
        popularity = Popularity.of(userItem);
    }

    @Override
    public int items() {
        return popularity.length;
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        System.arraycopy(popularity, 0, out, 0, popularity.length);
    }

    @Override
    public ModelExport export() {
        return new ModelExport.Popular(popularity.clone());
    }
}
