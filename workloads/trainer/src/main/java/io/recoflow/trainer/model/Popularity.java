package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;

/** Share of users who bought each item, scaled so the most popular item scores 1. */
public final class Popularity {
    private Popularity() {}

    public static float[] of(SparseMatrix userItem) {
        float[] p = new float[userItem.cols()];
        for (int k = 0; k < userItem.nnz(); k++) {
            p[userItem.col(k)] += 1f;
        }
        float max = 0;
        for (float v : p) {
            max = Math.max(max, v);
        }
        if (max > 0) {
            for (int i = 0; i < p.length; i++) {
                p[i] /= max;
            }
        }
        return p;
    }
}
