package io.recoflow.trainer.eval;

import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.Split;
import io.recoflow.trainer.model.Recommender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One evaluation setup: data, split, the training matrix and the user sets of each protocol. Models are then run
 * against it one by one, so every model (ours or Spark's) is scored on identical users with identical code.
 */
public final class OfflineEvaluation {
    private final Dataset data;
    private final Split split;
    private final Interactions train;
    private final List<EvalSet> sets;
    private final int k;
    private final List<Evaluator.ModelResult> results = new ArrayList<>();

    public OfflineEvaluation(Dataset data, Split split, int k) {
        this.data = data;
        this.split = split;
        this.k = k;
        Split.TrainTest tt = split.apply(data.interactions());
        if (tt.train().isEmpty() || tt.test().isEmpty()) {
            throw new IllegalArgumentException("split " + split.spec() + " leaves train (" + tt.train().size()
                    + " events) or test (" + tt.test().size() + " events) empty");
        }
        this.train = Interactions.of(tt.train());
        List<EvalSet> s = new ArrayList<>();
        if (split instanceof Split.Temporal) {
            s.add(EvalSet.of(train, tt.test(), Protocol.ALL_PURCHASES));
        }
        s.add(EvalSet.of(train, tt.test(), Protocol.NEW_ITEMS));
        this.sets = List.copyOf(s);
        // TensorFlow's one-time native start-up is not training time
        io.recoflow.trainer.model.Linalg.warmUp();
    }

    /** The default Online Retail test protocol: train before 2011-11-01, test 2011-11-01 .. 2011-12-09. */
    public static final String RETAIL_TEST = "temporal:2011-11-01,2011-11-01";
    /** The default Online Retail validation protocol (for tuning): train before October 2011, validate on October. */
    public static final String RETAIL_VALIDATION = "temporal:2011-10-01,2011-10-01,2011-11-01";

    public Interactions train() {
        return train;
    }

    public List<EvalSet> sets() {
        return sets;
    }

    public int k() {
        return k;
    }

    public Evaluator.ModelResult run(String label, Recommender model) {
        Evaluator.ModelResult r = Evaluator.run(label, model, train, sets, k);
        results.add(r);
        return r;
    }

    public List<Evaluator.ModelResult> results() {
        return List.copyOf(results);
    }

    /** The JSON document written by {@code evaluate}. */
    public Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("file", data.source().getFileName().toString());
        d.put("sha256", data.sha256());
        d.put("rows", data.report().rows());
        d.put("kept", data.report().kept());
        d.put("dropped", data.report().dropped());
        m.put("dataset", d);
        m.put("split", split.spec());
        m.put("k", k);
        m.put("trainUsers", train.users().size());
        m.put("items", train.items().size());
        m.put("trainPairs", train.matrix().nnz());
        Map<String, Object> users = new LinkedHashMap<>();
        for (EvalSet s : sets) {
            users.put(s.protocol().label(), s.users().size());
        }
        m.put("evaluatedUsers", users);
        m.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "maxHeapMb", Runtime.getRuntime().maxMemory() >> 20));
        m.put("results", results);
        return m;
    }

    /** A plain-text table: one row per model and protocol. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-42s %-15s %6s %8s %8s %8s %8s %8s %8s %7s %8s %8s %8s %8s%n",
                "model", "protocol", "users", "Recall", "NDCG", "Prec", "MAP", "HR", "MRR", "Cov", "train s",
                "p50 us", "p95 us", "heap MB"));
        for (Evaluator.ModelResult r : results) {
            for (Evaluator.VariantResult v : r.variants()) {
                sb.append(String.format(Locale.ROOT,
                        "%-42s %-15s %6d %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %7.3f %8.2f %8.0f %8.0f %8.0f%n",
                        r.spec(), v.protocol(), v.users(), v.recall(), v.ndcg(), v.precision(), v.map(), v.hr(),
                        v.mrr(), v.coverage(), r.trainSeconds(), r.scoringP50Us(), r.scoringP95Us(),
                        r.peakHeapMb()));
            }
        }
        return sb.toString();
    }
}
