package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelVersionSpec {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    @ValidationRule(value = "self == oldSelf", message = "modelRef is immutable")
    @JsonPropertyDescription("Name of the RecommendationModel in the same namespace.")
    public String modelRef;

    @Required
    @Min(1)
    @ValidationRule(value = "self == oldSelf", message = "version is immutable")
    @JsonPropertyDescription("TF-Serving version number: the integer directory under the model base path.")
    public Long version;

    @Required
    public ArtifactSource artifact;

    @Default("candidate")
    public Stage stage = Stage.CANDIDATE;
}
