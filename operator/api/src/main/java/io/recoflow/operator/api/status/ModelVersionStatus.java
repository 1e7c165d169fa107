package io.recoflow.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelVersionStatus {
    public List<Condition> conditions = new ArrayList<>();

    public Long observedGeneration;

    public VersionPhase phase;

    @JsonPropertyDescription("Model base path resolved from the artifact source.")
    public String resolvedUri;

    @JsonPropertyDescription("Offline metrics copied from the registry (e.g. ndcg@10).")
    public Map<String, Double> metrics;

    public String message;
}
