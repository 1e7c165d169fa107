package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Desired stage of a model version; {@code production} asks the operator to roll it out. */
public enum Stage {
    @JsonProperty("candidate")
    CANDIDATE,
    @JsonProperty("production")
    PRODUCTION,
    @JsonProperty("archived")
    ARCHIVED
}
