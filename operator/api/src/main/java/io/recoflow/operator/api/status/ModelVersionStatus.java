package io.recoflow.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.recoflow.operator.api.common.Status;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelVersionStatus extends Status {
    public VersionPhase phase;

    @JsonPropertyDescription("Model base path resolved from the artifact source.")
    public String resolvedUri;

    @JsonPropertyDescription("Offline metrics copied from the registry (e.g. ndcg@10).")
    public Map<String, Double> metrics;

    public String message;

    @JsonPropertyDescription("Where the artifact was resolved from, in words (registry, version, stage).")
    public String source;

    @JsonPropertyDescription("The registry's own version number of the artifact (MLflow), when it has one.")
    public String registryVersion;
}
