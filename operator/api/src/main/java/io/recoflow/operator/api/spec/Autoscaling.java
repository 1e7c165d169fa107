package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Rendered as an autoscaling/v2 HorizontalPodAutoscaler. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.minReplicas <= self.maxReplicas", message = "minReplicas must be <= maxReplicas")
@ValidationRule(value = "has(self.targetCPUUtilization) || has(self.targetRPS)",
        message = "set targetCPUUtilization and/or targetRPS")
public class Autoscaling {
    @Required
    @Min(1)
    @Max(1000)
    public Integer minReplicas;

    @Required
    @Min(1)
    @Max(1000)
    public Integer maxReplicas;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Average CPU utilisation target, percent of the request.")
    public Integer targetCPUUtilization;

    @Min(1)
    @JsonPropertyDescription("Average requests per second per pod (a Pods metric from the custom metrics API).")
    public Integer targetRPS;

    @Default("recoflow_requests_per_second")
    @Pattern("^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    @JsonPropertyDescription("Pods metric name used for targetRPS.")
    public String rpsMetric = "recoflow_requests_per_second";
}
