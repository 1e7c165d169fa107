package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterTarget {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @Size(max = 63) // the pattern says so too, but the API server's CEL cost estimate only reads maxLength
    @JsonPropertyDescription("Cluster name; 'local' is the cluster the operator runs in.")
    public String name;

    @Required
    @Min(0)
    @Max(100)
    public Integer weight;
}
