package io.recoflow.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How one cluster of the placement serves the model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterStatus {
    public String name;

    @JsonPropertyDescription("Serving (all desired replicas of its serving version ready), RollingOut, Unavailable, "
            + "Unreachable or Pending.")
    public String phase;

    public Long servingVersion;

    public Long candidateVersion;

    public Integer readyReplicas;

    public Integer desiredReplicas;

    @JsonPropertyDescription("Where clients reach the model in this cluster.")
    public String endpoint;

    @JsonPropertyDescription("Share of traffic the spec gives this cluster.")
    public Integer weight;

    @JsonPropertyDescription("Share it gets now: 0 after a failover, the failed clusters' share added to the others.")
    public Integer effectiveWeight;

    public Boolean reachable;

    public String message;

    @JsonPropertyDescription("Since when it has not served (RFC 3339); failover after placement.failover.afterSeconds.")
    public String unhealthySince;

    @JsonPropertyDescription("Since when a failed-over cluster serves again (RFC 3339); restored after "
            + "placement.failover.restoreAfterSeconds.")
    public String healthySince;

    @JsonPropertyDescription("True while its weight is failed over to the other clusters.")
    public Boolean failedOver;
}
