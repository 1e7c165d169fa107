package io.recoflow.trainer.model;

import java.util.BitSet;

/** The k best indices of a score vector, best first; ties go to the lower index (as TensorFlow's TopKV2). */
public final class TopK {
    private TopK() {}

    /**
     * @param excluded indices never returned (may be null)
     * @return up to k indices (fewer when fewer items are eligible)
     */
    public static int[] select(float[] scores, int k, BitSet excluded) {
        int[] heap = new int[k]; // min-heap on (score, -index): the root is the worst kept item
        int size = 0;
        for (int i = 0; i < scores.length; i++) {
            if (excluded != null && excluded.get(i)) {
                continue;
            }
            if (size < k) {
                heap[size] = i;
                up(heap, size++, scores);
            } else if (k > 0 && better(i, heap[0], scores)) {
                heap[0] = i;
                down(heap, 0, size, scores);
            }
        }
        int[] out = new int[size];
        for (int n = size; n > 0; n--) {
            out[n - 1] = heap[0];
            heap[0] = heap[n - 1];
            down(heap, 0, n - 1, scores);
        }
        return out;
    }

    private static boolean better(int a, int b, float[] s) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void up(int[] h, int i, float[] s) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!better(h[p], h[i], s)) {
                break;
            }
            int t = h[p];
            h[p] = h[i];
            h[i] = t;
            i = p;
        }
    }

    private static void down(int[] h, int i, int n, float[] s) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= n) {
                return;
            }
            int w = l + 1 < n && better(h[l], h[l + 1], s) ? l + 1 : l;
            if (!better(h[i], h[w], s)) {
                return;
            }
            int t = h[i];
            h[i] = h[w];
            h[w] = t;
            i = w;
        }
    }
}
