package io.recoflow.trainer.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.model.Recommender;
import io.recoflow.trainer.model.TopK;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fits one model and scores it on every protocol with full ranking over all items (no sampled negatives). */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Accuracy under one protocol. {@code userNdcg} holds each user's NDCG in the order of the {@link EvalSet}'s
     * users (the same for every model of one evaluation), for paired comparisons; it is not written to JSON.
     */
    public record VariantResult(String protocol, int users, double recall, double ndcg, double precision, double map,
            double mapAllRelevant, double hr, double mrr, double coverage, @JsonIgnore double[] userNdcg) {}

    /** Everything measured for one model. */
    public record ModelResult(String model, String spec, Map<String, Object> params, double trainSeconds,
            double scoringP50Us, double scoringP95Us, double peakHeapMb, List<VariantResult> variants) {

        public VariantResult variant(Protocol p) {
            return variants.stream().filter(v -> v.protocol().equals(p.label())).findFirst().orElseThrow();
        }

        /**
         * Held-out metrics by the names metadata and the registries record: {@code ndcg@10}, ... for all
         * purchases, {@code ndcg@10_new}, ... for new items only.
         */
        public Map<String, Double> metrics(int k) {
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            for (VariantResult v : variants) {
                String suffix = v.protocol().equals(Protocol.ALL_PURCHASES.label()) ? "" : "_new";
                m.put("recall@" + k + suffix, v.recall());
                m.put("ndcg@" + k + suffix, v.ndcg());
                m.put("precision@" + k + suffix, v.precision());
                m.put("map@" + k + suffix, v.map());
                m.put("hr@" + k + suffix, v.hr());
                m.put("mrr@" + k + suffix, v.mrr());
                m.put("coverage@" + k + suffix, v.coverage());
            }
            return m;
        }
    }

    /** Fit, then evaluate; {@code label} names the result (usually the model spec). */
    public static ModelResult run(String label, Recommender model, Interactions train, List<EvalSet> sets, int k) {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        model.fit(train);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        List<VariantResult> variants = new ArrayList<>();
        List<Long> nanos = new ArrayList<>();
        for (EvalSet set : sets) {
            variants.add(score(model, set, k, nanos));
        }
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long[] t = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Object> params = new LinkedHashMap<>(model.params());
        return new ModelResult(model.type(), label, params, trainSeconds, pct(t, 0.50) / 1e3, pct(t, 0.95) / 1e3,
                peak / (1024.0 * 1024.0), variants);
    }

    static VariantResult score(Recommender model, EvalSet set, int k, List<Long> nanos) {
        float[] scores = new float[model.items()];
        BitSet shown = new BitSet(model.items());
        Metrics.Mean mean = new Metrics.Mean();
        double[] userNdcg = new double[set.users().size()];
        for (EvalSet.UserCase u : set.users()) {
            long t = System.nanoTime();
            model.score(u.items(), u.counts(), scores);
            int[] top = TopK.select(scores, k, u.excluded());
            nanos.add(System.nanoTime() - t);
            for (int i : top) {
                shown.set(i);
            }
            Metrics m = Metrics.of(top, u.relevant(), k);
            userNdcg[mean.count()] = m.ndcg();
            mean.add(m);
        }
        Metrics m = mean.mean();
        return new VariantResult(set.protocol().label(), mean.count(), m.recall(), m.ndcg(), m.precision(), m.map(),
                m.mapAllRelevant(), m.hr(), m.mrr(), (double) shown.cardinality() / model.items(), userNdcg);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

}
