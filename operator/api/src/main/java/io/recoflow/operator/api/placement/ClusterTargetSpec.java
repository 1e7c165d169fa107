package io.recoflow.operator.api.placement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterTargetSpec {
    @Required
    public Cloud cloud;

    @Required
    @Pattern("^[a-z0-9][-a-z0-9]{0,30}$")
    @Size(max = 32)
    @JsonPropertyDescription("Cloud region, e.g. eu-west-1 or westeurope.")
    public String region;

    @Required
    @JsonPropertyDescription("Secret key holding a kubeconfig for the member's API server (the Pulumi stacks' "
            + "clusterTarget output writes it).")
    public SecretKeyRef kubeconfigSecretRef;

    @Pattern("^https?://[^\\s]+$")
    @Size(max = 253)
    @JsonPropertyDescription("Base URL clients reach the member's model Services at (its ingress or load balancer); "
            + "the target of its weighted DNS record.")
    public String endpoint;

    @Min(0)
    @JsonPropertyDescription("List price of one core-hour in USD on this cluster's nodes (for cost budgets).")
    public Double costPerCoreHourUSD;

    @JsonPropertyDescription("Free-form labels other kinds select clusters by.")
    public Map<String, String> labels;
}
