package io.recoflow.recommend.model;

import java.util.Arrays;
import java.util.Optional;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * Java fast path for item-item SavedModels (EASE, item-kNN as the trainer exports them): the weights are read
 * <em>from the SavedModel's variables</em> ({@code item_weights} n x n, {@code popularity} n), and scoring is the
 * graph's own arithmetic: sum of the distinct history items' rows in float64, rounded to float32, popularity when
 * the history is empty, then top-k with ties to the lower index (as TF's TopK). It skips the ~300 µs of a session
 * run; {@link ModelRegistry} only uses it after it gave the same answers as the graph on the warm-up histories.
 */
final class ItemItemModel implements ScoringModel {

    /** Sums a few thousand floats per history item and a top-k: bounded CPU, no reason to leave the request thread. */
    @Override
    public boolean inline() {
        return true;
    }

    private final int n;
    private final float[] weights;
    private final float[] popularity;
    private final ThreadLocal<double[]> scratch;

    private ItemItemModel(int n, float[] weights, float[] popularity) {
        this.n = n;
        this.weights = weights;
        this.popularity = popularity;
        this.scratch = ThreadLocal.withInitial(() -> new double[n]);
    }

    /** Empty when the graph is not an item-item model of the trainer's shape. */
    static Optional<ItemItemModel> from(SavedModelBundle bundle, int items) {
        if (bundle.graph().operation("item_weights") == null || bundle.graph().operation("popularity") == null) {
            return Optional.empty();
        }
        try (Result r = bundle.session().runner().fetch("item_weights").fetch("popularity").run()) {
            float[] w = floats(r.get(0), (long) items * items);
            float[] p = floats(r.get(1), items);
            return w == null || p == null ? Optional.empty() : Optional.of(new ItemItemModel(items, w, p));
        }
    }

    private static float[] floats(Tensor t, long expected) {
        if (!(t instanceof TFloat32 f) || f.size() != expected) {
            return null;
        }
        float[] out = new float[(int) expected];
        FloatDataBuffer dst = DataBuffers.of(out, false, false);
        f.copyTo(dst);
        return out;
    }

    @Override
    public Scores score(int[] history, int k) {
        k = Math.max(0, Math.min(k, n));
        int[] distinct = distinct(history);
        double[] acc = scratch.get();
        float[] s;
        if (distinct.length == 0) {
            s = popularity;
            return top(i -> s[i], k);
        }
        Arrays.fill(acc, 0);
        for (int item : distinct) {
            if (item < 0 || item >= n) {
                throw new IllegalArgumentException("history index " + item + " outside 0.." + (n - 1));
            }
            int off = item * n;
            for (int j = 0; j < n; j++) {
                acc[j] += weights[off + j];
            }
        }
        return top(i -> (float) acc[i], k);
    }

    private static int[] distinct(int[] history) {
        int[] h = history.clone();
        Arrays.sort(h);
        int m = 0;
        for (int i = 0; i < h.length; i++) {
            if (i == 0 || h[i] != h[i - 1]) {
                h[m++] = h[i];
            }
        }
        return m == h.length ? h : Arrays.copyOf(h, m);
    }

    private interface Score {
        float at(int i);
    }

    /** Top k by score, ties to the lower index, with a size-k min-heap (no n-sized sort). */
    private Scores top(Score score, int k) {
        int[] heap = new int[k];
        float[] hs = new float[k];
        int size = 0;
        for (int i = 0; i < n; i++) {
            float v = score.at(i);
            if (size < k) {
                heap[size] = i;
                hs[size] = v;
                up(heap, hs, size++);
            } else if (worse(hs[0], heap[0], v, i)) {
                heap[0] = i;
                hs[0] = v;
                down(heap, hs, k);
            }
        }
        // pop the worst first, filling from the back
        int[] idx = new int[size];
        float[] sc = new float[size];
        for (int j = size - 1; j >= 0; j--) {
            idx[j] = heap[0];
            sc[j] = hs[0];
            heap[0] = heap[j];
            hs[0] = hs[j];
            down(heap, hs, j);
        }
        return new Scores(idx, sc);
    }

    /** Whether (s1, i1) ranks below (s2, i2). */
    private static boolean worse(float s1, int i1, float s2, int i2) {
        return s1 < s2 || (s1 == s2 && i1 > i2);
    }

    private static void up(int[] heap, float[] hs, int c) {
        while (c > 0) {
            int p = (c - 1) >>> 1;
            if (!worse(hs[c], heap[c], hs[p], heap[p])) {
                return;
            }
            swap(heap, hs, c, p);
            c = p;
        }
    }

    private static void down(int[] heap, float[] hs, int size) {
        int p = 0;
        for (;;) {
            int l = 2 * p + 1;
            if (l >= size) {
                return;
            }
            int w = l + 1 < size && worse(hs[l + 1], heap[l + 1], hs[l], heap[l]) ? l + 1 : l;
            if (!worse(hs[w], heap[w], hs[p], heap[p])) {
                return;
            }
            swap(heap, hs, p, w);
            p = w;
        }
    }

    private static void swap(int[] heap, float[] hs, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
        float u = hs[a];
        hs[a] = hs[b];
        hs[b] = u;
    }

    @Override
    public void close() {
        // plain Java arrays: nothing native to free
    }
}
