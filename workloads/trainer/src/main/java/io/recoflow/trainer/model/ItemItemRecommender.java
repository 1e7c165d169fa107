package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;

/** Scores by summing item-item weight rows over the distinct history items (EASE, item-kNN). */
abstract class ItemItemRecommender implements Recommender {
    protected int n;
    protected float[] b;
    protected float[] popularity;
    private final ThreadLocal<double[]> sum = ThreadLocal.withInitial(() -> new double[0]);

    @Override
    public final void fit(SparseMatrix userItem) {
        n = userItem.cols();
        popularity = Popularity.of(userItem);
        b = weights(userItem);
    }

    /** n x n row-major weights, zero diagonal. */
    protected abstract float[] weights(SparseMatrix userItem);

    @Override
    public int items() {
        return n;
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        if (items.length == 0) {
            System.arraycopy(popularity, 0, out, 0, n);
            return;
        }
        // float64 accumulation, rounded once: the exported graph does the same, so both rank near-ties alike
        double[] acc = sum.get();
        if (acc.length != n) {
            acc = new double[n];
            sum.set(acc);
        }
        java.util.Arrays.fill(acc, 0);
        for (int i : items) {
            int base = i * n;
            for (int j = 0; j < n; j++) {
                acc[j] += b[base + j];
            }
        }
        for (int j = 0; j < n; j++) {
            out[j] = (float) acc[j];
        }
    }

    @Override
    public ModelExport export() {
        return new ModelExport.ItemItem(n, b, popularity.clone());
    }

    /** Item x item co-occurrence counts of the binarised matrix (exact in float below 2^24 users). */
    static float[] gram(SparseMatrix userItem) {
        int m = userItem.cols();
        float[] g = new float[m * m];
        for (int u = 0; u < userItem.rows(); u++) {
            int s = userItem.rowStart(u);
            int e = userItem.rowEnd(u);
            for (int a = s; a < e; a++) {
                int base = userItem.col(a) * m;
                for (int c = s; c < e; c++) {
                    g[base + userItem.col(c)] += 1f;
                }
            }
        }
        return g;
    }
}
