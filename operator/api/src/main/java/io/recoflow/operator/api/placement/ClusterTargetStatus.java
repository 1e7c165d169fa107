package io.recoflow.operator.api.placement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.recoflow.operator.api.common.Status;

/** Condition Reachable: the last probe of the member's /version endpoint, with the error when it failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterTargetStatus extends Status {
    @JsonPropertyDescription("gitVersion the member's API server reported, e.g. v1.32.4.")
    public String kubernetesVersion;

    @JsonPropertyDescription("When the member was last probed, RFC 3339.")
    public String lastProbeTime;
}
