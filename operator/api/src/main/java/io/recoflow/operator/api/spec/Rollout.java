package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.strategy != 'canary' || (has(self.steps) && size(self.steps) > 0)",
        message = "canary needs at least one step")
@ValidationRule(value = "self.strategy != 'blue-green' || !has(self.steps) || size(self.steps) == 0",
        message = "blue-green takes no steps")
@ValidationRule(value = "!has(self.steps) || (self.steps.map(s, s.weight).isSorted()"
        + " && self.steps.all(s, size(self.steps.filter(t, t.weight == s.weight)) == 1))",
        message = "canary step weights must be strictly increasing")
public class Rollout {
    public static final int DEFAULT_DEADLINE_SECONDS = 600;

    @Default("canary")
    public Strategy strategy = Strategy.CANARY;

    @Size(max = 20)
    @JsonPropertyDescription("Canary steps: traffic weight to the new version, then a pause. "
            + "After the last step the new version takes all traffic.")
    public List<CanaryStep> steps;

    @Min(10)
    @Max(86400)
    @Default("600")
    @JsonPropertyDescription("Seconds a step may wait for the Deployment to become available before rolling back.")
    public Integer progressDeadlineSeconds = DEFAULT_DEADLINE_SECONDS;
}
