package io.recoflow.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Interactions turned into a user x item matrix with stable indexes (users and items sorted by id, so the same data
 * gives the same item index every time).
 */
public record Interactions(List<String> users, List<String> items, Map<String, Integer> userIndex,
        Map<String, Integer> itemIndex, SparseMatrix matrix) {

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
        return new Interactions(List.copyOf(users), List.copyOf(items), ui, ii,
                SparseMatrix.of(users.size(), items.size(), r, c, v));
    }

    private static Map<String, Integer> index(List<String> ids) {
        Map<String, Integer> m = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            m.put(ids.get(i), i);
        }
        return m;
    }
}
