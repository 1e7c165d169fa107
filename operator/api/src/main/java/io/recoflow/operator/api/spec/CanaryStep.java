package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStep {
    @Required
    @Min(0)
    @Max(100)
    public Integer weight;

    @Min(0)
    @Max(86400)
    @Default("0")
    public Integer pauseSeconds = 0;

    public CanaryStep() {}

    public CanaryStep(int weight, int pauseSeconds) {
        this.weight = weight;
        this.pauseSeconds = pauseSeconds;
    }
}
