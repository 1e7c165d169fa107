package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the SavedModel lives: an MLflow registered model, or a model base URI (BASE/VERSION/saved_model.pb). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.mlflow) != has(self.uri)", message = "set exactly one of mlflow or uri")
public class ArtifactSource {
    public MlflowSource mlflow;

    @Pattern("^(s3|abfss|file)://.+$")
    @JsonPropertyDescription("Model base path (s3://, abfss:// or file://); the version directory is BASE/VERSION.")
    public String uri;
}
