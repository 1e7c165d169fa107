package io.recoflow.operator.experiment;

import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.core.Prometheus;
import io.recoflow.operator.experiment.ExperimentJudge.Arm;
import io.recoflow.operator.model.analysis.Queries;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an experiment's inputs from Prometheus: the feature worker's per-variant user counts (gauges kept in
 * Redis, so every worker replica reports the same value: {@code max} over them), and each variant's serving
 * health from the recommendation service's per-version scoring histogram and per-variant response counter.
 */
public final class ExperimentMetrics {
    static final String USERS = "max by (variant, outcome) (recoflow_experiment_users{experiment=\"%s\"})";
    static final String CLICKS = "max by (variant) (recoflow_experiment_clicks{experiment=\"%s\"})";
    static final String CLICKS_SQUARED = "max by (variant) (recoflow_experiment_clicks_squared{experiment=\"%s\"})";
    static final String FALLBACK_RATE = "(sum(rate(recoflow_recommend_experiment_responses_total{experiment=\"%1$s\","
            + "variant=\"%2$s\",outcome=\"fallback\"}[%3$s])) or vector(0)) / sum(rate("
            + "recoflow_recommend_experiment_responses_total{experiment=\"%1$s\",variant=\"%2$s\"}[%3$s]))";
    static final String DEFAULT_WINDOW = "5m";

    private final Prometheus prometheus;

    public ExperimentMetrics(Prometheus prometheus) {
        this.prometheus = prometheus;
    }

    /** Per variant name; a variant with no series yet counts zero. */
    public Map<String, Counts> counts(String experiment, List<Arm> arms) throws Prometheus.QueryException,
            InterruptedException {
        String key = quote(experiment);
        Map<List<String>, Double> users = prometheus.vector(String.format(USERS, key), "variant", "outcome");
        Map<List<String>, Double> clicks = prometheus.vector(String.format(CLICKS, key), "variant");
        Map<List<String>, Double> squares = prometheus.vector(String.format(CLICKS_SQUARED, key), "variant");
        Map<String, Counts> out = new LinkedHashMap<>();
        for (Arm arm : arms) {
            String v = arm.name();
            out.put(v, new Counts(
                    Math.round(users.getOrDefault(List.of(v, "exposed"), 0.0)),
                    Math.round(users.getOrDefault(List.of(v, "clicked"), 0.0)),
                    Math.round(users.getOrDefault(List.of(v, "converted"), 0.0)),
                    clicks.getOrDefault(List.of(v), 0.0),
                    squares.getOrDefault(List.of(v), 0.0)));
        }
        return out;
    }

    /** Only what the guardrails ask for is queried; an empty answer (no traffic yet) is not a breach. */
    public Map<String, Counts.Health> health(String experiment, List<Arm> arms, ABExperimentSpec.Guardrails g)
            throws Prometheus.QueryException, InterruptedException {
        Map<String, Counts.Health> out = new HashMap<>();
        if (g == null) {
            return out;
        }
        String window = g.window == null ? DEFAULT_WINDOW : g.window;
        Queries q = new Queries(Queries.DEFAULT_P95, Queries.DEFAULT_ERROR_RATE, window);
        for (Arm arm : arms) {
            Double p95 = g.p95LatencyMs == null ? null
                    : prometheus.scalar(q.render(q.p95LatencyMs(), "", "", arm.version()));
            Double errors = g.maxErrorRate == null ? null
                    : prometheus.scalar(q.render(q.errorRate(), "", "", arm.version()));
            Double fallbacks = g.maxFallbackRate == null ? null
                    : prometheus.scalar(String.format(FALLBACK_RATE, quote(experiment), arm.name(), window));
            out.put(arm.name(), new Counts.Health(p95, errors, fallbacks));
        }
        return out;
    }

    /** A PromQL string literal's content: namespace/name has no quote or backslash, but be exact anyway. */
    static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
