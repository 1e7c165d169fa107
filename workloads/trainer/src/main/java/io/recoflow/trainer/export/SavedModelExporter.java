package io.recoflow.trainer.export;

import io.recoflow.common.ModelArtifact;
import io.recoflow.common.ModelMetadata;
import io.recoflow.trainer.model.HybridRecommender;
import io.recoflow.trainer.model.ModelExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Writes a trained model as a TensorFlow SavedModel in the {@link ModelArtifact} layout:
 * {@code BASE/<version>/saved_model.pb + variables/ + assets.extra/metadata.json}, tag {@value ModelArtifact#TAG},
 * signature {@value ModelArtifact#SIGNATURE} (history int32[n], k int32 scalar -> indices int32[k], scores
 * float32[k]). Weights are graph variables (not constants), so the graph stays small and TF Serving restores them from
 * {@code variables/}. An empty history is answered with the popularity ranking.
 */
public final class SavedModelExporter {
    private SavedModelExporter() {}

    /**
     * @param metadata written to {@code assets.extra/metadata.json}; its {@code version} names the directory
     * @return the version directory
     * @throws IOException when the version directory already exists or writing fails
     */
    public static Path export(ModelExport model, ModelMetadata metadata, Path baseDir) throws IOException {
        if (metadata.version() <= 0) {
            throw new IllegalArgumentException("version must be a positive integer (TF Serving layout)");
        }
        if (metadata.items() == null || metadata.items().size() != model.items()) {
            throw new IllegalArgumentException("metadata lists " + (metadata.items() == null ? 0 : metadata.items().size())
                    + " items, the model has " + model.items());
        }
        Path dir = baseDir.resolve(Long.toString(metadata.version()));
        if (Files.exists(dir)) {
            throw new IOException(dir + " already exists: versions are immutable");
        }
        Files.createDirectories(baseDir);
        // Write next to the final place, then rename, so a reader never sees a half-written version.
        Path tmp = Files.createTempDirectory(baseDir, ".export-" + metadata.version() + "-");
        try {
            Path staged = tmp.resolve("m");
            write(model, staged);
            metadata.write(staged);
            Files.move(staged, dir);
        } finally {
            deleteTree(tmp);
        }
        return dir;
    }

    private static void write(ModelExport model, Path dir) throws IOException {
        List<Tensor> fed = new ArrayList<>();
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TInt32> history = tf.withName(ModelArtifact.INPUT_HISTORY)
                    .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            Placeholder<TInt32> k = tf.withName(ModelArtifact.INPUT_K)
                    .placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
            Vars vars = new Vars(tf, s, fed, "");
            Variable<TFloat32> popularity = vars.floats("popularity", model.popularity(), model.items());
            Operand<TFloat32> all = scores(tf, vars, model, history, popularity);
            TopK<TFloat32, TInt32> top = tf.nn.topK(all, k, new TopK.Options[0]);
            // TF Serving's Predict API rejects a signature whose method name is not the predict method (the Java
            // builder's default is empty)
            Signature sig = Signature.builder(ModelArtifact.SIGNATURE)
                    .methodName("tensorflow/serving/predict")
                    .input(ModelArtifact.INPUT_HISTORY, history)
                    .input(ModelArtifact.INPUT_K, k)
                    .output(ModelArtifact.OUTPUT_INDICES, tf.withName("indices").identity(top.indices()))
                    .output(ModelArtifact.OUTPUT_SCORES, tf.withName("scores").identity(top.values()))
                    .build();
            SavedModelBundle.exporter(dir.toString())
                    .withTags(ModelArtifact.TAG)
                    .withSession(s)
                    .withFunction(SessionFunction.create(sig, s))
                    .export();
        } finally {
            fed.forEach(Tensor::close);
        }
    }

    /** The score of every item (popularity when the history is empty). */
    private static Operand<TFloat32> scores(Ops tf, Vars vars, ModelExport model, Operand<TInt32> history,
            Variable<TFloat32> popularity) {
        int n = model.items();
        if (model instanceof ModelExport.Popular) {
            return tf.identity(popularity);
        }
        if (model instanceof ModelExport.Repeat) {
            return tf.math.add(tf.math.unsortedSegmentSum(
                    tf.dtypes.cast(tf.onesLike(history), TFloat32.class), history, tf.constant(n)), popularity);
        }
        if (model instanceof ModelExport.Blend m) {
            // the base's variables get a prefix: a reader that recognises a plain item-item graph by its
            // "item_weights" variable (the recommendation service's Java fast path) must not take a blend for one
            return blend(tf, vars, m, history, scores(tf, vars.prefixed("base_"), m.base(), history, popularity));
        }
        Operand<TFloat32> scores;
        if (model instanceof ModelExport.ItemItem m) {
            Variable<TFloat32> b = vars.floats("item_weights", m.b(), n, n);
            var unique = tf.unique(history, tf.constant(new int[] {0}));
            // summed in float64 then rounded, like the Java scorer, so that summation order cannot
            // reorder near-ties between the two
            scores = tf.dtypes.cast(tf.reduceSum(tf.dtypes.cast(
                    tf.gather(b, unique.y(), tf.constant(0)), TFloat64.class), tf.constant(0)), TFloat32.class);
        } else if (model instanceof ModelExport.Factors f) {
            scores = factors(tf, vars, f, history);
        } else {
            throw new IllegalArgumentException("cannot export " + model.getClass());
        }
        Operand<TFloat32> empty = tf.dtypes.cast(tf.math.equal(tf.size(history), tf.constant(0)), TFloat32.class);
        return tf.math.add(scores, tf.math.mul(empty, popularity));
    }

    /**
     * base + (beta * scale) * ((curve(count) + rho * mask) * decay + (gamma * mask) * prior) in float64, rounded once
     * (HybridRecommender.score in the same order). count is how often an item occurs in the history, mask =
     * min(count, 1); both are 0 outside it, and curve(0) = 0, so other items keep their exact base score. decay =
     * recency^r, r the position of the item's first occurrence among the distinct history items (the history comes
     * newest first); only built when the term is on, so a model without it keeps its exact graph. With delta > 0,
     * + (delta * scale) * trend on every item, after the blend (HybridRecommender.score adds in the same order).
     */
    private static Operand<TFloat32> blend(Ops tf, Vars vars, ModelExport.Blend m, Operand<TInt32> history,
            Operand<TFloat32> base) {
        Operand<TFloat64> counts = tf.math.unsortedSegmentSum(
                tf.dtypes.cast(tf.onesLike(history), TFloat64.class), history, tf.constant(m.items()));
        Operand<TFloat64> curve = switch (m.curve()) {
            case LOG -> tf.math.log1p(counts);
            case LINEAR -> counts;
            case BINARY -> tf.math.minimum(counts, tf.constant(1.0));
        };
        // history items only: mask = min(count, 1)
        Operand<TFloat64> mask = tf.math.minimum(counts, tf.constant(1.0));
        Variable<TFloat32> prior = vars.floats("repeat_prior", m.prior(), m.items());
        if (m.recency() != 1 || m.rho() != 0) {
            // unique keeps the order of first occurrence: y[r] is the item of recency rank r
            var unique = tf.unique(history, tf.constant(new int[] {0}));
            Operand<TFloat64> ranks = tf.dtypes.cast(tf.range(tf.constant(0), tf.size(unique.y()), tf.constant(1)),
                    TFloat64.class);
            Operand<TFloat64> rankDecay = tf.math.pow(tf.constant(m.recency()), ranks);
            // 0 outside the history, where the product below is then 0 as well
            Operand<TFloat64> decay = tf.math.unsortedSegmentSum(rankDecay, unique.y(), tf.constant(m.items()));
            curve = tf.math.mul(tf.math.add(curve, tf.math.mul(tf.constant(m.rho()), mask)), decay);
        }
        Operand<TFloat64> rep = tf.math.add(curve, tf.math.mul(tf.math.mul(tf.constant(m.gamma()), mask),
                tf.dtypes.cast(prior, TFloat64.class)));
        Variable<TFloat64> beta = vars.scalar("repeat_beta", m.beta());
        Operand<TFloat64> b = tf.dtypes.cast(base, TFloat64.class);
        Operand<TFloat64> w = beta;
        Operand<TFloat64> scale = null;
        if (m.norm() == HybridRecommender.Norm.MAX) {
            Operand<TFloat64> max = tf.max(tf.math.abs(b), tf.constant(0));
            // max, or 1 when every score is 0 (exact: x + 0 = x)
            scale = tf.math.add(max, tf.dtypes.cast(tf.math.equal(max, tf.constant(0.0)), TFloat64.class));
            w = tf.math.mul(beta, scale);
        }
        Operand<TFloat64> sum = tf.math.add(b, tf.math.mul(w, rep));
        if (m.delta() != 0) {
            // + (delta * scale) * trend on every item; only built when on, so a model without it keeps its graph
            Variable<TFloat32> trend = vars.floats("item_trend", m.trend(), m.items());
            Operand<TFloat64> d = scale == null ? tf.constant(m.delta()) : tf.math.mul(tf.constant(m.delta()), scale);
            sum = tf.math.add(sum, tf.math.mul(d, tf.dtypes.cast(trend, TFloat64.class)));
        }
        return tf.dtypes.cast(sum, TFloat32.class);
    }

    /** ALS fold-in in float64: x = (YᵀY + λ'I + Yₕᵀ diag(c−1) Yₕ)⁻¹ Yₕᵀ c, scores = Y x. */
    private static Operand<TFloat32> factors(Ops tf, Vars vars, ModelExport.Factors f, Operand<TInt32> history) {
        int n = f.items();
        int d = f.factors();
        Variable<TFloat64> y = vars.doubles("item_factors", f.y(), n, d);
        Variable<TFloat64> gram = vars.doubles("item_gram", f.gram(), d, d);
        double[] eye = new double[d * d];
        for (int i = 0; i < d; i++) {
            eye[i * d + i] = 1;
        }
        Operand<TFloat64> identity = tf.constant(Shape.of(d, d), DataBuffers.of(eye, true, false));
        var unique = tf.uniqueWithCounts(history, tf.constant(new int[] {0}));
        Operand<TFloat64> c = tf.math.add(tf.constant(1.0),
                tf.math.mul(tf.constant(f.alpha()), tf.dtypes.cast(unique.count(), TFloat64.class)));
        Operand<TFloat64> yh = tf.gather(y, unique.y(), tf.constant(0));
        Operand<TFloat64> weighted = tf.math.mul(yh, tf.reshape(tf.math.sub(c, tf.constant(1.0)), tf.constant(new int[] {-1, 1})));
        Operand<TFloat64> lambda = f.scaleLambda()
                ? tf.math.mul(tf.constant(f.lambda()), tf.math.maximum(
                        tf.dtypes.cast(tf.size(unique.y()), TFloat64.class), tf.constant(1.0)))
                : tf.constant(f.lambda());
        Operand<TFloat64> a = tf.math.add(tf.math.add(gram, tf.math.mul(lambda, identity)),
                tf.linalg.matMul(weighted, yh, org.tensorflow.op.linalg.MatMul.transposeA(true)));
        Operand<TFloat64> b = tf.linalg.matMul(yh, tf.reshape(c, tf.constant(new int[] {-1, 1})),
                org.tensorflow.op.linalg.MatMul.transposeA(true));
        Operand<TFloat64> x = tf.linalg.solve(a, b);
        Operand<TFloat64> s = tf.reshape(tf.linalg.matMul(y, x), tf.constant(new int[] {-1}));
        return tf.dtypes.cast(s, TFloat32.class);
    }

    /** Creates variables and assigns their values once, fed through placeholders (no large constants in the graph). */
    private record Vars(Ops tf, Session s, List<Tensor> fed, String prefix) {
        Vars prefixed(String p) {
            return new Vars(tf, s, fed, prefix + p);
        }

        Variable<TFloat32> floats(String name, float[] values, long... shape) {
            TFloat32 t = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
            return assign(name, t, TFloat32.class);
        }

        Variable<TFloat64> doubles(String name, double[] values, long... shape) {
            TFloat64 t = TFloat64.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
            return assign(name, t, TFloat64.class);
        }

        Variable<TFloat64> scalar(String name, double value) {
            return assign(name, TFloat64.scalarOf(value), TFloat64.class);
        }

        private <T extends TType> Variable<T> assign(String name, T value, Class<T> type) {
            fed.add(value);
            name = prefix + name;
            Variable<T> v = tf.withName(name).variable(value.shape(), type);
            Placeholder<T> in = tf.withName(name + "_value").placeholder(type, Placeholder.shape(value.shape()));
            s.runner().feed(in, value).addTarget(tf.withName(name + "_assign").assign(v, in)).run();
            return v;
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.delete(q);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
