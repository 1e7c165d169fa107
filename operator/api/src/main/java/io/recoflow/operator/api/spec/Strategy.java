package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a promoted version replaces the serving one. */
public enum Strategy {
    @JsonProperty("canary")
    CANARY,
    @JsonProperty("blue-green")
    BLUE_GREEN
}
