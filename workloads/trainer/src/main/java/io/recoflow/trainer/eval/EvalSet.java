package io.recoflow.trainer.eval;

import io.recoflow.trainer.data.Interaction;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The users scored under one protocol: those with a training history and at least one relevant test item. Test items
 * unknown at training time are dropped from the truth (no model here can rank them).
 */
public record EvalSet(Protocol protocol, List<UserCase> users, int droppedColdItems) {

    /**
     * One user: training history (distinct items newest first + counts, as {@link Interactions#history(int)}),
     * relevant test items, items kept out of the ranking.
     */
    public record UserCase(int user, int[] items, float[] counts, BitSet relevant, BitSet excluded) {}

    public static EvalSet of(Interactions train, List<Interaction> test, Protocol protocol) {
        SparseMatrix m = train.matrix();
        BitSet[] truth = new BitSet[m.rows()];
        int cold = 0;
        for (Interaction e : test) {
            Integer u = train.userIndex().get(e.user());
            if (u == null) {
                continue;
            }
            Integer i = train.itemIndex().get(e.item());
            if (i == null) {
                cold++;
                continue;
            }
            if (truth[u] == null) {
                truth[u] = new BitSet(m.cols());
            }
            truth[u].set(i);
        }
        List<UserCase> users = new ArrayList<>();
        for (int u = 0; u < m.rows(); u++) {
            if (truth[u] == null) {
                continue;
            }
            Interactions.History h = train.history(u);
            int[] items = h.items();
            BitSet excluded = null;
            BitSet relevant = truth[u];
            if (protocol == Protocol.NEW_ITEMS) {
                excluded = new BitSet(m.cols());
                for (int i : items) {
                    excluded.set(i);
                }
                relevant = (BitSet) relevant.clone();
                relevant.andNot(excluded);
            }
            if (!relevant.isEmpty()) {
                users.add(new UserCase(u, items, h.counts(), relevant, excluded));
            }
        }
        return new EvalSet(protocol, List.copyOf(users), cold);
    }
}
