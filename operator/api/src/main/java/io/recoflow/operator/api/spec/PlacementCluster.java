package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
/** One cluster of a placement: a ClusterTarget by name (or "local", the hub) and its share of traffic. */
public class PlacementCluster {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @Size(max = 63) // the pattern says so too, but the API server's CEL cost estimate only reads maxLength
    @JsonPropertyDescription("Name of a ClusterTarget; 'local' is the cluster the operator runs in (the hub).")
    public String name;

    @Required
    @Min(0)
    @Max(100)
    public Integer weight;
}
