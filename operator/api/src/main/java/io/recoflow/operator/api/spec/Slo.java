package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * Service level objective each canary step is judged against (Prometheus analysis, when the operator has
 * RECOFLOW_PROMETHEUS_URL). Queries are PromQL templates with {version}, {model}, {namespace} and {window}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Slo {
    @Min(1)
    @Max(60000)
    @JsonPropertyDescription("95th percentile latency bound in milliseconds.")
    public Integer p95LatencyMs;

    @Min(0)
    @Max(1)
    @JsonPropertyDescription("Highest acceptable error ratio, 0..1.")
    public Double maxErrorRate;

    @JsonPropertyDescription("PromQL giving the canary's p95 latency in ms; default reads "
            + "recoflow_recommend_scoring_seconds_bucket{model_version=\"{version}\"}.")
    public String p95LatencyQuery;

    @JsonPropertyDescription("PromQL giving the canary's error ratio 0..1; default: non-ok share of "
            + "recoflow_recommend_scoring_seconds_count for the version.")
    public String errorRateQuery;

    @Pattern("^[0-9]+(s|m|h)$")
    @JsonPropertyDescription("Rate window substituted for {window}, e.g. 1m (default).")
    public String window;
}
