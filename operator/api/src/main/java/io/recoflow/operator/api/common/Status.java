package io.recoflow.operator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What every Recoflow kind's status has: metav1.Condition-shaped conditions and the generation they speak for.
 * A status whose {@code observedGeneration} is behind {@code metadata.generation} is stale (Argo CD shows it as
 * Progressing).
 */
public abstract class Status {
    @JsonPropertyDescription("Conditions in metav1.Condition shape; Ready is the summary.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("metadata.generation the operator last reconciled.")
    public Long observedGeneration;
}
