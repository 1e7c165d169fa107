package io.recoflow.recommend;

import io.recoflow.common.ModelArtifact;
import io.recoflow.common.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Writes a real SavedModel following {@link ModelArtifact}: an item-item model, scores = sum of the history's rows
 * of {@code w}, then top-k. TODO(after trainer merge): replace with the trainer's exporter.
 */
public final class TestModels {
    private TestModels() {}

    public static Path write(Path baseDir, long version, List<String> items, float[][] w, boolean excludeHistory)
            throws IOException {
        return write(baseDir, version, items, w, excludeHistory, Integer.MAX_VALUE);
    }

    /**
     * @param w item-item weights, one row per item
     * @param maxHistory longer histories make the graph's Assert op fail inside TensorFlow (a real model failure)
     */
    public static Path write(Path baseDir, long version, List<String> items, float[][] w, boolean excludeHistory,
            int maxHistory) throws IOException {
        Path tmp = baseDir.resolve("." + version + ".tmp");
        Path dir = baseDir.resolve(Long.toString(version));
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var history = tf.withName("history").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            var k = tf.withName("k").placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
            var weights = tf.constant(w);
            var limit = tf.assertThat(tf.math.lessEqual(tf.size(history), tf.constant(maxHistory)),
                    List.of(tf.constant("history longer than the model accepts")));
            var rows = tf.withControlDependencies(limit).gather(weights, history, tf.constant(0));
            var scores = tf.sum(rows, tf.constant(0));
            var top = tf.nn.topK(scores, k, new TopK.Options[0]);
            var outIdx = tf.withName("indices").identity(top.indices());
            var outScores = tf.withName("scores").identity(top.values());
            Signature sig = Signature.builder(ModelArtifact.SIGNATURE)
                    .input(ModelArtifact.INPUT_HISTORY, history)
                    .input(ModelArtifact.INPUT_K, k)
                    .output(ModelArtifact.OUTPUT_INDICES, outIdx)
                    .output(ModelArtifact.OUTPUT_SCORES, outScores)
                    .build();
            try (Session s = new Session(g)) {
                SavedModelBundle.exporter(tmp.toString()).withTags(ModelArtifact.TAG).withSession(s).withSignature(sig).export();
            }
        }
        new ModelMetadata("itemknn", version, Map.of("test", true), "0".repeat(64), items, excludeHistory,
                Map.of(), Instant.now()).write(tmp);
        // like the trainer: a version directory appears complete or not at all
        Files.move(tmp, dir);
        return dir;
    }

    /**
     * Writes an item-item model in the trainer's graph shape (variables {@code item_weights} n x n and
     * {@code popularity}; sum of the distinct history rows in float64, popularity for an empty history, top-k), the
     * shape the Java fast path recognises.
     */
    public static Path writeItemItem(Path baseDir, long version, List<String> items, float[][] w, float[] popularity)
            throws IOException {
        int n = items.size();
        Path tmp = baseDir.resolve("." + version + ".tmp");
        Path dir = baseDir.resolve(Long.toString(version));
        float[] flat = new float[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w[i], 0, flat, i * n, n);
        }
        try (Graph g = new Graph(); Session s = new Session(g);
                TFloat32 wv = TFloat32.tensorOf(Shape.of(n, n), org.tensorflow.ndarray.buffer.DataBuffers.of(flat, true, false));
                TFloat32 pv = TFloat32.vectorOf(popularity)) {
            Ops tf = Ops.create(g);
            var history = tf.withName("history").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            var k = tf.withName("k").placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
            var weights = tf.withName("item_weights").variable(wv.shape(), TFloat32.class);
            var pop = tf.withName("popularity").variable(pv.shape(), TFloat32.class);
            var win = tf.placeholder(TFloat32.class, Placeholder.shape(wv.shape()));
            var pin = tf.placeholder(TFloat32.class, Placeholder.shape(pv.shape()));
            s.runner().feed(win, wv).feed(pin, pv).addTarget(tf.assign(weights, win)).addTarget(tf.assign(pop, pin)).run();
            var unique = tf.unique(history, tf.constant(new int[] {0}));
            var sum = tf.dtypes.cast(tf.reduceSum(tf.dtypes.cast(tf.gather(weights, unique.y(), tf.constant(0)),
                    org.tensorflow.types.TFloat64.class), tf.constant(0)), TFloat32.class);
            var empty = tf.dtypes.cast(tf.math.equal(tf.size(history), tf.constant(0)), TFloat32.class);
            var all = tf.math.add(sum, tf.math.mul(empty, pop));
            var top = tf.nn.topK(all, k, new TopK.Options[0]);
            Signature sig = Signature.builder(ModelArtifact.SIGNATURE)
                    .input(ModelArtifact.INPUT_HISTORY, history)
                    .input(ModelArtifact.INPUT_K, k)
                    .output(ModelArtifact.OUTPUT_INDICES, tf.withName("indices").identity(top.indices()))
                    .output(ModelArtifact.OUTPUT_SCORES, tf.withName("scores").identity(top.values()))
                    .build();
            SavedModelBundle.exporter(tmp.toString()).withTags(ModelArtifact.TAG)
                    .withSession(s).withFunction(org.tensorflow.SessionFunction.create(sig, s)).export();
        }
        new ModelMetadata("ease", version, Map.of("test", true), "0".repeat(64), items, true, Map.of(), Instant.now())
                .write(tmp);
        Files.move(tmp, dir);
        return dir;
    }

    /** Identity-free weights where item i points to item (i + 1) % n with weight 1 and to itself with 0.5. */
    public static float[][] chain(int n) {
        float[][] w = new float[n][n];
        for (int i = 0; i < n; i++) {
            w[i][(i + 1) % n] = 1f;
            w[i][i] = 0.5f;
        }
        return w;
    }

}
