package io.recoflow.trainer.eval;

import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Interaction;
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
    private final long testFrom;
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
        this.testFrom = tt.test().stream().mapToLong(Interaction::time).min().orElseThrow();
        List<EvalSet> s = new ArrayList<>();
        if (split.temporal()) {
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

    public Split split() {
        return split;
    }

    /** Epoch seconds of the earliest test event: a model trained on events at or after it has seen test data. */
    public long testFrom() {
        return testFrom;
    }

    /** The user set of one protocol. */
    public EvalSet set(Protocol p) {
        return sets.stream().filter(s -> s.protocol() == p).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(split.spec() + " has no '" + p.label() + "' protocol"));
    }

    /** The protocol a single-number comparison uses: all purchases when the split has it, else new items only. */
    public Protocol headline() {
        return sets.get(0).protocol();
    }

    /** Scores an already fitted model (one of {@link #run}'s) again at another cut-off, e.g. recall@20. */
    public Evaluator.VariantResult score(Recommender fitted, Protocol p, int cutoff) {
        return Evaluator.score(fitted, set(p), cutoff, new ArrayList<>());
    }

    public Evaluator.ModelResult run(String label, Recommender model) {
        Evaluator.ModelResult r = Evaluator.run(label, model, train, sets, k);
        results.add(r);
        return r;
    }

    public List<Evaluator.ModelResult> results() {
        return List.copyOf(results);
    }

    /**
     * One model against one baseline under one protocol: the mean per-user NDCG@k difference with its 95 % paired
     * bootstrap interval ({@link Paired}), and the relative gain (difference / baseline NDCG).
     */
    public record Comparison(String model, String baseline, String protocol, int users, double ndcg,
            double baselineNdcg, double diff, double lo, double hi, double relative) {
        /** The interval is entirely above 0. */
        public boolean significant() {
            return lo > 0;
        }
    }

    /** Model types compared against: the first result of each type in the run is the baseline. */
    static final List<String> BASELINES = List.of("repeat", "popular");

    /** Every non-baseline model against each baseline type present in this run, for every protocol. */
    public List<Comparison> comparisons() {
        List<Comparison> out = new ArrayList<>();
        for (String type : BASELINES) {
            Evaluator.ModelResult b = results.stream().filter(r -> r.model().equals(type)).findFirst().orElse(null);
            if (b == null) {
                continue;
            }
            for (Evaluator.ModelResult r : results) {
                if (BASELINES.contains(r.model())) {
                    continue;
                }
                for (EvalSet s : sets) {
                    out.add(compare(r, b, s.protocol()));
                }
            }
        }
        return out;
    }

    /** {@code model} against {@code baseline} (two results of this evaluation) on the same users of protocol p. */
    public static Comparison compare(Evaluator.ModelResult model, Evaluator.ModelResult baseline, Protocol p) {
        Evaluator.VariantResult v = model.variant(p);
        Evaluator.VariantResult bv = baseline.variant(p);
        Paired.Diff d = Paired.bootstrap(v.userNdcg(), bv.userNdcg(), Paired.RESAMPLES, Paired.SEED);
        return new Comparison(model.spec(), baseline.spec(), v.protocol(), v.users(), v.ndcg(), bv.ndcg(), d.mean(),
                d.lo(), d.hi(), bv.ndcg() > 0 ? d.mean() / bv.ndcg() : Double.NaN);
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
        m.put("comparisons", comparisons());
        m.put("mapDefinition", mapLegend());
        m.put("comparisonMethod", "mean per-user NDCG@" + k + " difference (model - baseline), 95 % percentile "
                + "bootstrap over users, " + Paired.RESAMPLES + " resamples, seed " + Paired.SEED);
        return m;
    }

    /**
     * Markdown tables for docs/benchmarks.md: per protocol one row per model, then the paired comparisons with the
     * baselines (when the run has any).
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        for (EvalSet set : sets) {
            Protocol p = set.protocol();
            sb.append(String.format(Locale.ROOT, "%n**%s** (%,d users, k = %d)%n%n", p.label(), set.users().size(), k));
            sb.append(String.format(Locale.ROOT, "| model | Recall@%1$d | NDCG@%1$d | Precision@%1$d | MAP@%1$d "
                    + "÷min(R,%1$d) | MAP@%1$d ÷R | HR@%1$d | MRR@%1$d | coverage@%1$d | train s | score p50 µs "
                    + "| score p95 µs | peak heap MB |%n", k));
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Evaluator.ModelResult r : results) {
                Evaluator.VariantResult v = r.variant(p);
                sb.append(String.format(Locale.ROOT,
                        "| `%s` | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.3f | %.2f | %.0f | %.0f | %.0f |%n",
                        r.spec(), v.recall(), v.ndcg(), v.precision(), v.map(), v.mapAllRelevant(), v.hr(), v.mrr(),
                        v.coverage(), r.trainSeconds(), r.scoringP50Us(), r.scoringP95Us(), r.peakHeapMb()));
            }
        }
        sb.append(String.format(Locale.ROOT, "%n%s%n", mapLegend()));
        List<Comparison> cs = comparisons();
        if (!cs.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n**paired NDCG@%d difference vs baseline** (mean over users of model "
                    + "− baseline; 95 %% percentile bootstrap interval, %,d resamples of the users, seed %d)%n%n", k,
                    Paired.RESAMPLES, Paired.SEED));
            sb.append("| model | baseline | protocol | NDCG@10 | baseline NDCG@10 | difference | 95 % CI | relative |\n");
            sb.append("|---|---|---|---:|---:|---:|---:|---:|\n");
            for (Comparison c : cs) {
                sb.append(String.format(Locale.ROOT, "| `%s` | `%s` | %s | %.4f | %.4f | %+.4f | [%+.4f, %+.4f] | %+.1f %% |%n",
                        c.model(), c.baseline(), c.protocol(), c.ndcg(), c.baselineNdcg(), c.diff(), c.lo(), c.hi(),
                        100 * c.relative()));
            }
        }
        return sb.toString();
    }

    /** Published tables divide MAP@k two ways; the tables print both and say which is which. */
    String mapLegend() {
        return String.format(Locale.ROOT, "MAP@%1$d divides the summed precision at the hits by min(|R|, %1$d) (a "
                + "perfect top-%1$d scores 1); MAP|R| divides by |R|, the relevant test items, as some published "
                + "tables do (JSON: map, mapAllRelevant)", k);
    }

    /** A plain-text table: one row per model and protocol. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-42s %-15s %6s %8s %8s %8s %8s %8s %8s %8s %7s %8s %8s %8s %8s%n",
                "model", "protocol", "users", "Recall", "NDCG", "Prec", "MAP", "MAP|R|", "HR", "MRR", "Cov",
                "train s", "p50 us", "p95 us", "heap MB"));
        for (Evaluator.ModelResult r : results) {
            for (Evaluator.VariantResult v : r.variants()) {
                sb.append(String.format(Locale.ROOT,
                        "%-42s %-15s %6d %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %7.3f %8.2f %8.0f %8.0f %8.0f%n",
                        r.spec(), v.protocol(), v.users(), v.recall(), v.ndcg(), v.precision(), v.map(),
                        v.mapAllRelevant(), v.hr(), v.mrr(), v.coverage(), r.trainSeconds(), r.scoringP50Us(),
                        r.scoringP95Us(), r.peakHeapMb()));
            }
        }
        sb.append(mapLegend()).append('\n');
        List<Comparison> cs = comparisons();
        if (!cs.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%npaired NDCG@%d difference vs baseline (95 %% bootstrap CI over "
                    + "users, %d resamples, seed %d; * = CI above 0)%n", k, Paired.RESAMPLES, Paired.SEED));
            sb.append(String.format(Locale.ROOT, "%-42s %-10s %-15s %8s %8s %9s %21s %8s%n", "model", "baseline",
                    "protocol", "NDCG", "base", "diff", "95% CI", "rel"));
            for (Comparison c : cs) {
                sb.append(String.format(Locale.ROOT, "%-42s %-10s %-15s %8.4f %8.4f %+9.4f [%+9.4f, %+9.4f] %+7.1f%%%s%n",
                        c.model(), c.baseline(), c.protocol(), c.ndcg(), c.baselineNdcg(), c.diff(), c.lo(), c.hi(),
                        100 * c.relative(), c.significant() ? " *" : ""));
            }
        }
        return sb.toString();
    }
}
