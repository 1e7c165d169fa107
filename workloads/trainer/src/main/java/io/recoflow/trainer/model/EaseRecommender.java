package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;
import java.util.Map;

/**
 * EASE (Steck 2019): B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, X binarised, diagonal of B forced to zero.
 * The inversion runs in TensorFlow (float64), see {@link Linalg#inverse}.
 */
public final class EaseRecommender extends ItemItemRecommender {
    private final double lambda;

    public EaseRecommender(double lambda) {
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("lambda must be > 0");
        }
        this.lambda = lambda;
    }

    @Override
    public String type() {
        return "ease";
    }

    @Override
    public Map<String, Object> params() {
        return Map.of("lambda", lambda);
    }

    @Override
    protected float[] weights(SparseMatrix userItem) {
        int m = userItem.cols();
        float[] g = gram(userItem);
        double[] a = new double[m * m];
        for (int i = 0; i < a.length; i++) {
            a[i] = g[i];
        }
        g = null;
        for (int i = 0; i < m; i++) {
            a[i * m + i] += lambda;
        }
        double[] p = Linalg.inverse(a, m);
        a = null;
        float[] w = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                w[i * m + j] = i == j ? 0f : (float) (-p[i * m + j] / p[j * m + j]);
            }
        }
        return w;
    }
}
