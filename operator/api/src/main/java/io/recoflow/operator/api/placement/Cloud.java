package io.recoflow.operator.api.placement;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum Cloud {
    @JsonProperty("aws")
    AWS,
    @JsonProperty("azure")
    AZURE
}
