package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.runtime != 'embedded' || has(self.image)",
        message = "image is required when runtime is embedded", reason = "FieldValueRequired")
@ValidationRule(value = "!(has(self.replicas) && has(self.autoscaling))",
        message = "set either replicas or autoscaling, not both")
public class RecommendationModelSpec {
    @Required
    @Pattern("^[a-z0-9]([a-z0-9_.-]{0,126}[a-z0-9])?$")
    @JsonPropertyDescription("Registered model name; also the TF-Serving model name (--model_name).")
    public String model;

    @Default("tensorflow-serving")
    @JsonPropertyDescription("tensorflow-serving (default) or embedded (the recommendation service scores in-process).")
    public Runtime runtime = Runtime.TENSORFLOW_SERVING;

    @Size(min = 1)
    @JsonPropertyDescription("Container image; defaults to tensorflow/serving:2.18.0 for tensorflow-serving.")
    public String image;

    @JsonPropertyDescription("Container resource requests and limits.")
    public ResourceRequirements resources;

    @Min(0)
    @Max(1000)
    @JsonPropertyDescription("Fixed replica count when autoscaling is not set (default 1).")
    public Integer replicas;

    public Autoscaling autoscaling;

    public Rollout rollout;

    public Slo slo;

    public Placement placement;

    public Features features;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Features {
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @JsonPropertyDescription("A FeaturePipeline (same namespace) whose features this model reads: while it is "
                + "not Fresh (or missing), a new version does not start rolling out (the current one keeps "
                + "serving; reason WaitingForFreshFeatures).")
        public String pipelineRef;
    }
}
