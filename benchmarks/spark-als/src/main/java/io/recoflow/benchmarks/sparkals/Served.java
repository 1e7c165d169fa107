package io.recoflow.benchmarks.sparkals;

import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import io.recoflow.trainer.export.SavedModelScorer;
import io.recoflow.trainer.model.ModelExport;
import io.recoflow.trainer.model.Recommender;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A served version (the champion's SavedModel) as the evaluator sees a model, so the gate compares the challenger
 * with what is actually served, whatever engine or model type wrote it. Fitting does nothing. Its item index is
 * mapped onto the evaluation's through the item ids of its metadata; items it does not know get no score (-inf),
 * as serving cannot return them either. The history goes in as the recommendation service sends it: distinct items
 * newest first, each repeated as often as it was bought.
 */
final class Served implements Recommender {
    private final SavedModelScorer scorer;
    private final String registryVersion;
    /** evaluation index -> served index, -1 when unknown to the served version */
    private final int[] toServed;
    /** served index -> evaluation index, -1 when the evaluation does not have it */
    private final int[] fromServed;

    Served(SavedModelScorer scorer, Interactions train, String registryVersion) {
        this.scorer = scorer;
        this.registryVersion = registryVersion;
        List<String> served = scorer.metadata().items();
        Map<String, Integer> index = new HashMap<>(served.size() * 2);
        for (int i = 0; i < served.size(); i++) {
            index.put(served.get(i), i);
        }
        toServed = new int[train.items().size()];
        fromServed = new int[served.size()];
        Arrays.fill(fromServed, -1);
        for (int i = 0; i < toServed.length; i++) {
            toServed[i] = index.getOrDefault(train.items().get(i), -1);
            if (toServed[i] >= 0) {
                fromServed[toServed[i]] = i;
            }
        }
    }

    @Override
    public String type() {
        return scorer.metadata().modelType();
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>(scorer.metadata().params());
        p.put("registryVersion", registryVersion);
        p.put("artifactVersion", scorer.metadata().version());
        return p;
    }

    @Override
    public void fit(SparseMatrix userItem) {}

    @Override
    public int items() {
        return toServed.length;
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        int n = 0;
        for (int k = 0; k < items.length; k++) {
            if (toServed[items[k]] >= 0) {
                n += (int) counts[k];
            }
        }
        int[] history = new int[n];
        n = 0;
        for (int k = 0; k < items.length; k++) {
            int s = toServed[items[k]];
            for (int c = 0; s >= 0 && c < (int) counts[k]; c++) {
                history[n++] = s;
            }
        }
        SavedModelScorer.Ranked r = scorer.score(history, fromServed.length);
        Arrays.fill(out, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < r.indices().length; i++) {
            int e = fromServed[r.indices()[i]];
            if (e >= 0) {
                out[e] = r.scores()[i];
            }
        }
    }

    @Override
    public ModelExport export() {
        throw new UnsupportedOperationException("a served version is not exported again");
    }
}
