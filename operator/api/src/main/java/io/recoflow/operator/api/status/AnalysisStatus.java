package io.recoflow.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The last canary analysis, or the last failing (or breach-ending) look of the serving version's SLO watch: what
 * was measured for which version and what it meant.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisStatus {
    @JsonPropertyDescription("Pass, Fail, Inconclusive (no data yet: the step waits) or Off (no Prometheus or SLO).")
    public String result;

    @JsonPropertyDescription("Version the analysis judged.")
    public Long version;

    @JsonPropertyDescription("Canary step (index) the analysis closed; absent for the serving version's SLO watch.")
    public Integer step;

    @JsonPropertyDescription("Measured p95 latency in milliseconds, when queried and present.")
    public Double p95LatencyMs;

    @JsonPropertyDescription("Measured error ratio 0..1, when queried and present.")
    public Double errorRate;

    @JsonPropertyDescription("Measured values against the SLO, in words.")
    public String message;

    @JsonPropertyDescription("When it ran, RFC 3339.")
    public String time;
}
