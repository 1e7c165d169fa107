package io.recoflow.trainer.export;

import io.recoflow.common.ModelMetadata;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import io.recoflow.trainer.model.ModelExport;
import io.recoflow.trainer.model.Recommender;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An exported version (e.g. the registry's champion) as a {@link Recommender}, so that the evaluator scores it on the
 * same users and with the same code as a model fitted in Java. It scores through its own SavedModel, as serving does,
 * with the version's item index. {@link #fit(Interactions)} learns nothing: it maps the evaluation's items onto the
 * version's by id. Items the version does not know score −∞ (it can never recommend them); the history is sent as
 * serving sends it: distinct items newest first, each repeated as often as it was bought (at least once).
 */
public final class ArtifactRecommender implements Recommender, AutoCloseable {
    private final SavedModelScorer scorer;
    private int[] toArtifact = new int[0];
    private int[] fromArtifact = new int[0];

    private ArtifactRecommender(SavedModelScorer scorer) {
        this.scorer = scorer;
    }

    public static ArtifactRecommender load(Path versionDir) throws IOException {
        return new ArtifactRecommender(SavedModelScorer.load(versionDir));
    }

    public ModelMetadata metadata() {
        return scorer.metadata();
    }

    @Override
    public String type() {
        return scorer.metadata().modelType();
    }

    @Override
    public Map<String, Object> params() {
        return scorer.metadata().params();
    }

    /** @throws UnsupportedOperationException always: mapping the items needs their ids */
    @Override
    public void fit(SparseMatrix userItem) {
        throw new UnsupportedOperationException("an exported version is mapped by item id: fit(Interactions)");
    }

    @Override
    public void fit(Interactions train) {
        List<String> own = scorer.metadata().items();
        Map<String, Integer> index = new HashMap<>(own.size() * 2);
        for (int i = 0; i < own.size(); i++) {
            index.put(own.get(i), i);
        }
        toArtifact = new int[train.items().size()];
        fromArtifact = new int[own.size()];
        Arrays.fill(fromArtifact, -1);
        for (int i = 0; i < toArtifact.length; i++) {
            Integer a = index.get(train.items().get(i));
            toArtifact[i] = a == null ? -1 : a;
            if (a != null) {
                fromArtifact[a] = i;
            }
        }
    }

    @Override
    public int items() {
        return toArtifact.length;
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        int n = 0;
        for (int k = 0; k < items.length; k++) {
            if (toArtifact[items[k]] >= 0) {
                n += Math.max(1, Math.round(counts[k]));
            }
        }
        int[] history = new int[n];
        int h = 0;
        for (int k = 0; k < items.length; k++) {
            int a = toArtifact[items[k]];
            for (int c = a < 0 ? 0 : Math.max(1, Math.round(counts[k])); c > 0; c--) {
                history[h++] = a;
            }
        }
        Arrays.fill(out, Float.NEGATIVE_INFINITY);
        SavedModelScorer.Ranked r = scorer.score(history, fromArtifact.length);
        for (int j = 0; j < r.indices().length; j++) {
            int e = fromArtifact[r.indices()[j]];
            if (e >= 0) {
                out[e] = r.scores()[j];
            }
        }
    }

    /** @throws UnsupportedOperationException always: the version is already exported */
    @Override
    public ModelExport export() {
        throw new UnsupportedOperationException("already exported");
    }

    @Override
    public void close() {
        scorer.close();
    }
}
