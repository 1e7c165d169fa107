package io.recoflow.benchmarks.operatorscale;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reconcile figures from the series JOSDK 5.2.3's micrometer-support registers (without per-resource metrics, as
 * the operator runs by default): counters {@code operator_sdk_reconciliations_{started,success,failed}_total}
 * (label {@code kind}; {@code started} also by {@code reconciliations_retries_number}, 0 for a first attempt) and
 * the timer {@code operator_sdk_controllers_execution_reconcile_seconds} (label {@code controller}; published with
 * a percentile histogram), which times the reconciler's {@code reconcile} call only, not the wait in JOSDK's
 * queue.
 */
final class Reconciles {
    static final String RM = "recommendationmodel";
    static final String MV = "modelversion";
    static final String STARTED = "operator_sdk_reconciliations_started_total";
    static final String SUCCESS = "operator_sdk_reconciliations_success_total";
    static final String FAILED = "operator_sdk_reconciliations_failed_total";
    static final String TIMER = "operator_sdk_controllers_execution_reconcile_seconds";

    private Reconciles() {}

    static Predicate<Map<String, String>> of(String controller) {
        String kind = controller.equals(RM) ? "RecommendationModel" : "ModelVersion";
        return l -> controller.equals(l.get("controller")) || kind.equals(l.get("kind"));
    }

    private static Predicate<Map<String, String>> retryOf(String controller) {
        return of(controller).and(l -> !"0".equals(l.getOrDefault("reconciliations_retries_number", "0")));
    }

    /** Reconciles of {@code controller} started between two scrapes (null: since the process started). */
    static double count(Scrape before, Scrape after, String controller) {
        return after.sum(STARTED, of(controller)) - (before == null ? 0 : before.sum(STARTED, of(controller)));
    }

    static double started(Scrape s) {
        return s.sum(STARTED);
    }

    /** Per controller: counts, per-object averages and the execution time's percentiles over the interval. */
    static Map<String, Object> between(Scrape before, Scrape after, int rms, int mvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String c : new String[] {RM, MV}) {
            Map<String, Object> m = new LinkedHashMap<>();
            double started = diff(before, after, STARTED, c);
            m.put("started", started);
            m.put("success", diff(before, after, SUCCESS, c));
            m.put("failed", diff(before, after, FAILED, c));
            m.put("retries", after.sum(STARTED, retryOf(c))
                    - (before == null ? 0 : before.sum(STARTED, retryOf(c))));
            m.put("per_object", ScaleBenchmark.round(started / (c.equals(RM) ? rms : mvs), 2));
            TreeMap<Double, Double> b = after.buckets(TIMER, of(c));
            if (before != null) {
                b = Scrape.increase(before.buckets(TIMER, of(c)), b);
            }
            double count = diff(before, after, TIMER + "_count", c);
            double sum = diff(before, after, TIMER + "_sum", c);
            m.put("timed", count);
            m.put("mean_ms", ScaleBenchmark.round(count > 0 ? 1000 * sum / count : Double.NaN, 1));
            for (double q : new double[] {0.5, 0.99}) {
                String k = "p" + (int) Math.round(q * 100);
                m.put(k + "_ms", ScaleBenchmark.round(1000 * Scrape.quantile(q, b), 1));
                double[] bucket = Scrape.quantileBucket(q, b);
                m.put(k + "_bucket_ms", new double[] {ScaleBenchmark.round(1000 * bucket[0], 1),
                        ScaleBenchmark.round(1000 * bucket[1], 1)});
            }
            m.put("max_recent_ms", ScaleBenchmark.round(1000 * after.sum(TIMER + "_max", of(c)), 1));
            out.put(c, m);
        }
        return out;
    }

    private static double diff(Scrape before, Scrape after, String name, String controller) {
        return after.sum(name, of(controller)) - (before == null ? 0 : before.sum(name, of(controller)));
    }
}
