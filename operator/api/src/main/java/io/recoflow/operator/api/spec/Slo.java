package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Service level objective a rollout is judged against (analysis lands with the metrics work). */
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
}
