package io.recoflow.trainer.export;

import io.recoflow.common.ModelArtifact;
import io.recoflow.common.ModelMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Loads one exported version and calls its {@value ModelArtifact#SIGNATURE} signature. Thread-safe. */
public final class SavedModelScorer implements AutoCloseable {
    private final SavedModelBundle bundle;
    private final SessionFunction fn;
    private final ModelMetadata metadata;

    /** Top-k item indices, best first, with their scores. */
    public record Ranked(int[] indices, float[] scores) {}

    private SavedModelScorer(SavedModelBundle bundle, ModelMetadata metadata) {
        this.bundle = bundle;
        this.fn = bundle.function(ModelArtifact.SIGNATURE);
        this.metadata = metadata;
    }

    public static SavedModelScorer load(Path versionDir) throws IOException {
        ModelMetadata meta = ModelMetadata.read(versionDir);
        return new SavedModelScorer(SavedModelBundle.load(versionDir.toString(), ModelArtifact.TAG), meta);
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** @param history item indices (repeats count as repeated purchases); k is clamped to the item count */
    public Ranked score(int[] history, int k) {
        int kk = Math.max(0, Math.min(k, metadata.items().size()));
        try (TInt32 h = TInt32.vectorOf(history);
                TInt32 kt = TInt32.scalarOf(kk);
                var result = fn.call(Map.of(ModelArtifact.INPUT_HISTORY, h, ModelArtifact.INPUT_K, kt))) {
            Tensor idx = result.get(ModelArtifact.OUTPUT_INDICES).orElseThrow();
            Tensor sc = result.get(ModelArtifact.OUTPUT_SCORES).orElseThrow();
            int[] indices = new int[kk];
            float[] scores = new float[kk];
            ((TInt32) idx).copyTo(DataBuffers.of(indices, false, false));
            ((TFloat32) sc).copyTo(DataBuffers.of(scores, false, false));
            return new Ranked(indices, scores);
        }
    }

    @Override
    public void close() {
        bundle.close();
    }
}
