package io.recoflow.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Interactions turned into a user x item matrix with stable indexes (users and items sorted by id, so the same data
 * gives the same item index every time). {@code lastTime[k]} is the latest event time of matrix entry k (aligned with
 * {@link SparseMatrix#col(int)}), so a user's history can be put in the serving order ({@link #history(int)}).
 */
public record Interactions(List<String> users, List<String> items, Map<String, Integer> userIndex,
        Map<String, Integer> itemIndex, SparseMatrix matrix, long[] lastTime) {

    /** A user's distinct items newest first (see {@link #history(int)}) with how often each was bought. */
    public record History(int[] items, float[] counts) {}

    /**
     * User {@code u}'s distinct items ordered by their last purchase time, newest first, ties by item index: the
     * order the recommendation service sends the history in (see {@link io.recoflow.trainer.model.Recommender}).
     */
    public History history(int u) {
        int start = matrix.rowStart(u);
        int n = matrix.rowEnd(u) - start;
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = start + k;
        }
        java.util.Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : lastTime[a] != lastTime[b]
                ? Long.compare(lastTime[b], lastTime[a]) : Integer.compare(matrix.col(a), matrix.col(b)));
        int[] items = new int[n];
        float[] counts = new float[n];
        for (int k = 0; k < n; k++) {
            items[k] = matrix.col(order[k]);
            counts[k] = matrix.value(order[k]);
        }
        return new History(items, counts);
    }

    public static Interactions of(List<Interaction> events) {
        TreeSet<String> us = new TreeSet<>();
        TreeSet<String> is = new TreeSet<>();
        for (Interaction e : events) {
            us.add(e.user());
            is.add(e.item());
        }
        List<String> users = new ArrayList<>(us);
        List<String> items = new ArrayList<>(is);
        Map<String, Integer> ui = index(users);
        Map<String, Integer> ii = index(items);
        int n = events.size();
        int[] r = new int[n];
        int[] c = new int[n];
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            Interaction e = events.get(k);
            r[k] = ui.get(e.user());
            c[k] = ii.get(e.item());
            v[k] = e.weight();
        }
        SparseMatrix m = SparseMatrix.of(users.size(), items.size(), r, c, v);
        Map<Long, Long> last = new HashMap<>(n * 2);
        for (int k = 0; k < n; k++) {
            last.merge((long) r[k] * items.size() + c[k], events.get(k).time(), Math::max);
        }
        long[] lastTime = new long[m.nnz()];
        for (int u = 0; u < m.rows(); u++) {
            for (int k = m.rowStart(u); k < m.rowEnd(u); k++) {
                lastTime[k] = last.get((long) u * items.size() + m.col(k));
            }
        }
        return new Interactions(List.copyOf(users), List.copyOf(items), ui, ii, m, lastTime);
    }

    private static Map<String, Integer> index(List<String> ids) {
        Map<String, Integer> m = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            m.put(ids.get(i), i);
        }
        return m;
    }
}
