package io.recoflow.operator.model.analysis;

import io.recoflow.operator.api.spec.Slo;

/** Judges a canary version against its SLO. Implementations must not throw: trouble is {@code Inconclusive}. */
public interface CanaryAnalysis {
    /**
     * @param namespace namespace of the RecommendationModel
     * @param model name of the RecommendationModel
     * @param version the canary's model version
     * @param slo bounds and (optional) query overrides; null means nothing to judge
     */
    AnalysisResult analyze(String namespace, String model, long version, Slo slo);

    /** Analysis turned off: every canary step passes on availability and pause time alone. */
    CanaryAnalysis OFF = (namespace, model, version, slo) ->
            new AnalysisResult.Off("analysis off: RECOFLOW_PROMETHEUS_URL not set");
}
