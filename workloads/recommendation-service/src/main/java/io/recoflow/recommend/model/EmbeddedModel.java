package io.recoflow.recommend.model;

import io.recoflow.common.ModelArtifact;
import java.nio.file.Path;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** A SavedModel loaded in-process with TensorFlow Java; one session run per request (sessions are thread safe). */
public final class EmbeddedModel implements ScoringModel {
    // One intra/inter-op thread per run: requests already run in parallel, and more threads only contend for cores.
    private static final ConfigProto CONFIG = ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(1)
            .setInterOpParallelismThreads(1)
            .build();

    private final SavedModelBundle bundle;
    private final Session session;
    private final String history;
    private final String k;
    private final String indices;
    private final String scores;

    public EmbeddedModel(Path versionDir) {
        this.bundle = SavedModelBundle.loader(versionDir.toString()).withTags(ModelArtifact.TAG).withConfigProto(CONFIG).load();
        try {
            Signature sig = bundle.function(ModelArtifact.SIGNATURE).signature();
            this.history = tensorName(sig.getInputs(), ModelArtifact.INPUT_HISTORY);
            this.k = tensorName(sig.getInputs(), ModelArtifact.INPUT_K);
            this.indices = tensorName(sig.getOutputs(), ModelArtifact.OUTPUT_INDICES);
            this.scores = tensorName(sig.getOutputs(), ModelArtifact.OUTPUT_SCORES);
            this.session = bundle.session();
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    private static String tensorName(java.util.Map<String, Signature.TensorDescription> io, String key) {
        Signature.TensorDescription d = io.get(key);
        if (d == null) {
            throw new IllegalArgumentException("signature " + ModelArtifact.SIGNATURE + " has no tensor '" + key + "' (has " + io.keySet() + ")");
        }
        return d.name;
    }

    @Override
    public Scores score(int[] historyIdx, int topK) {
        try (TInt32 h = TInt32.vectorOf(historyIdx);
                TInt32 kt = TInt32.scalarOf(topK);
                Result r = session.runner().feed(history, h).feed(k, kt).fetch(indices).fetch(scores).run()) {
            Tensor idx = r.get(0);
            Tensor sc = r.get(1);
            return new Scores(StdArrays.array1dCopyOf((TInt32) idx), StdArrays.array1dCopyOf((TFloat32) sc));
        }
    }

    SavedModelBundle bundle() {
        return bundle;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
