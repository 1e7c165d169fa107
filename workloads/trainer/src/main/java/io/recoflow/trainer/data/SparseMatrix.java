package io.recoflow.trainer.data;

import java.util.Arrays;

/**
 * Compressed sparse rows (float values, column indices sorted within a row). The training data is a user x item
 * matrix whose value is the number of purchase events (or the summed weight) of that pair.
 */
public final class SparseMatrix {
    private final int rows;
    private final int cols;
    private final int[] ptr;
    private final int[] idx;
    private final float[] val;

    public SparseMatrix(int rows, int cols, int[] ptr, int[] idx, float[] val) {
        if (ptr.length != rows + 1 || idx.length != val.length || ptr[rows] != idx.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        this.rows = rows;
        this.cols = cols;
        this.ptr = ptr;
        this.idx = idx;
        this.val = val;
    }

    /** Builds from triplets; duplicates are summed. */
    public static SparseMatrix of(int rows, int cols, int[] r, int[] c, float[] v) {
        int n = r.length;
        int[] count = new int[rows + 1];
        for (int i = 0; i < n; i++) {
            count[r[i] + 1]++;
        }
        for (int i = 0; i < rows; i++) {
            count[i + 1] += count[i];
        }
        int[] pos = Arrays.copyOf(count, rows);
        int[] ci = new int[n];
        float[] cv = new float[n];
        for (int i = 0; i < n; i++) {
            int p = pos[r[i]]++;
            ci[p] = c[i];
            cv[p] = v[i];
        }
        // sort each row by column and merge duplicates
        int[] ptr = new int[rows + 1];
        int[] oi = new int[n];
        float[] ov = new float[n];
        int w = 0;
        long[] buf = new long[16];
        for (int row = 0; row < rows; row++) {
            int from = count[row];
            int to = count[row + 1];
            int len = to - from;
            if (buf.length < len) {
                buf = new long[len];
            }
            for (int k = 0; k < len; k++) {
                buf[k] = ((long) ci[from + k] << 32) | (from + k);
            }
            Arrays.sort(buf, 0, len);
            int start = w;
            for (int k = 0; k < len; k++) {
                int col = (int) (buf[k] >>> 32);
                float value = cv[(int) buf[k]];
                if (w > start && oi[w - 1] == col) {
                    ov[w - 1] += value;
                } else {
                    oi[w] = col;
                    ov[w] = value;
                    w++;
                }
            }
            ptr[row + 1] = w;
        }
        return new SparseMatrix(rows, cols, ptr, Arrays.copyOf(oi, w), Arrays.copyOf(ov, w));
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nnz() {
        return idx.length;
    }

    public int rowStart(int r) {
        return ptr[r];
    }

    public int rowEnd(int r) {
        return ptr[r + 1];
    }

    public int col(int k) {
        return idx[k];
    }

    public float value(int k) {
        return val[k];
    }

    public int rowLength(int r) {
        return ptr[r + 1] - ptr[r];
    }

    public int[] rowIndices(int r) {
        return Arrays.copyOfRange(idx, ptr[r], ptr[r + 1]);
    }

    public float[] rowValues(int r) {
        return Arrays.copyOfRange(val, ptr[r], ptr[r + 1]);
    }

    public SparseMatrix transpose() {
        int n = idx.length;
        int[] r = new int[n];
        for (int row = 0; row < rows; row++) {
            for (int k = ptr[row]; k < ptr[row + 1]; k++) {
                r[k] = row;
            }
        }
        return of(cols, rows, idx, r, val);
    }
}
