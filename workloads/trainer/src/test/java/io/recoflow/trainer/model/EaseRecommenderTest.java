package io.recoflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recoflow.trainer.data.SparseMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class EaseRecommenderTest {
    /** 4 users x 3 items (counts; EASE binarises). */
    static SparseMatrix tiny() {
        return SparseMatrix.of(4, 3, new int[] {0, 0, 1, 1, 2, 3, 3}, new int[] {0, 1, 1, 2, 0, 0, 2},
                new float[] {1, 2, 1, 1, 3, 1, 1});
    }

    @Test
    void weightsMatchTheClosedFormComputedWithEjml() {
        EaseRecommender ease = new EaseRecommender(0.5);
        ease.fit(tiny());
        ModelExport.ItemItem ex = (ModelExport.ItemItem) ease.export();
        // G = XᵀX for binary X: rows {0,1},{1,2},{0},{0,2}
        DMatrixRMaj p = new DMatrixRMaj(new double[][] {{3.5, 1, 1}, {1, 2.5, 1}, {1, 1, 2.5}}); // G + 0.5 I
        CommonOps_DDRM.invert(p);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double expected = i == j ? 0 : -p.get(i, j) / p.get(j, j);
                assertThat((double) ex.b()[i * 3 + j]).as("B[%d][%d]", i, j).isCloseTo(expected, within(1e-6));
            }
        }
        float[] s = new float[3];
        ease.score(new int[] {0}, new float[] {1}, s);
        assertThat(s[0]).isZero();
        assertThat(s[1]).isEqualTo(ex.b()[1]);
        // empty history: popularity (item 0 bought by 3 users, items 1 and 2 by 2)
        ease.score(new int[0], new float[0], s);
        assertThat(s).containsExactly(1f, 2f / 3, 2f / 3);
    }

    @Test
    void itemKnnIsCosineWithPrunedNeighbours() {
        ItemKnnRecommender knn = new ItemKnnRecommender(1);
        knn.fit(tiny());
        ModelExport.ItemItem ex = (ModelExport.ItemItem) knn.export();
        // cos(0,1) = 1/sqrt(3*2), cos(0,2) = 1/sqrt(6), cos(1,2) = 1/sqrt(4); one neighbour each, ties to lower index
        assertThat(ex.b()[0 * 3 + 1]).isCloseTo((float) (1 / Math.sqrt(6)), within(1e-6f));
        assertThat(ex.b()[0 * 3 + 2]).isZero();
        assertThat(ex.b()[1 * 3 + 2]).isCloseTo(0.5f, within(1e-6f));
        assertThat(ex.b()[1 * 3 + 0]).isZero();
        assertThat(ex.b()[2 * 3 + 1]).isCloseTo(0.5f, within(1e-6f));
    }
}
