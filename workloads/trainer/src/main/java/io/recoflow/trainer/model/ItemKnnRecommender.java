package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;
import java.util.Map;

/**
 * Item-kNN: cosine similarity of the binarised item columns; each history item keeps its {@code neighbours} most
 * similar items (others get 0).
 */
public final class ItemKnnRecommender extends ItemItemRecommender {
    private final int neighbours;

    public ItemKnnRecommender(int neighbours) {
        if (neighbours < 1) {
            throw new IllegalArgumentException("neighbours must be >= 1");
        }
        this.neighbours = neighbours;
    }

    @Override
    public String type() {
        return "itemknn";
    }

    @Override
    public Map<String, Object> params() {
        return Map.of("neighbours", neighbours);
    }

    @Override
    protected float[] weights(SparseMatrix userItem) {
        int m = userItem.cols();
        float[] g = gram(userItem);
        double[] norm = new double[m];
        for (int i = 0; i < m; i++) {
            norm[i] = Math.sqrt(g[i * m + i]);
        }
        float[] row = new float[m];
        for (int i = 0; i < m; i++) {
            int base = i * m;
            for (int j = 0; j < m; j++) {
                double d = norm[i] * norm[j];
                row[j] = i == j || d == 0 ? 0f : (float) (g[base + j] / d);
            }
            int[] keep = TopK.select(row, Math.min(neighbours, m), null);
            // g's row i is no longer needed: reuse it for the pruned similarities
            java.util.Arrays.fill(g, base, base + m, 0f);
            for (int j : keep) {
                g[base + j] = row[j];
            }
        }
        return g;
    }
}
