package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The clusters a model is served from and their traffic shares. The serving objects are rendered into every
 * cluster with weight > 0; replicas are split by weight (at least one per such cluster).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.clusters.map(c, c.weight).sum() == 100", message = "cluster weights must sum to 100")
@ValidationRule(value = "self.clusters.all(c, size(self.clusters.filter(d, d.name == c.name)) == 1)",
        message = "cluster names must be unique")
public class Placement {
    public static final int DEFAULT_FAILOVER_SECONDS = 60;
    public static final int DEFAULT_RESTORE_SECONDS = 120;

    @Required
    @Size(min = 1, max = 16)
    public List<PlacementCluster> clusters;

    @JsonPropertyDescription("parallel: every cluster runs each canary step together; sequential: the steps run on "
            + "the first cluster, then the next (a failure anywhere rolls back every cluster it reached).")
    @Default("parallel")
    public Order rollout;

    public Failover failover;

    @JsonPropertyDescription("Publish the effective weights as an ExternalDNS DNSEndpoint (one weighted record per "
            + "cluster, Route 53 style) in the hub.")
    public Dns dns;

    public enum Order {
        @JsonProperty("parallel")
        PARALLEL,
        @JsonProperty("sequential")
        SEQUENTIAL
    }

    /** When a cluster stops serving, its weight moves to the others; it comes back after serving again a while. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Failover {
        @Min(0)
        @Max(3600)
        @JsonPropertyDescription("Seconds a cluster may be unreachable or not serving before its effective weight "
                + "goes to 0 (default 60).")
        public Integer afterSeconds;

        @Min(0)
        @Max(86400)
        @JsonPropertyDescription("Seconds a failed-over cluster must serve again before its weight returns "
                + "(default 120).")
        public Integer restoreAfterSeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Dns {
        @Required
        @Pattern("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$")
        @Size(max = 253)
        public String hostname;

        @Min(0)
        @Max(86400)
        @Default("60")
        public Integer ttl;
    }

    public static int failoverSeconds(Placement p) {
        return p == null || p.failover == null || p.failover.afterSeconds == null ? DEFAULT_FAILOVER_SECONDS
                : p.failover.afterSeconds;
    }

    public static int restoreSeconds(Placement p) {
        return p == null || p.failover == null || p.failover.restoreAfterSeconds == null ? DEFAULT_RESTORE_SECONDS
                : p.failover.restoreAfterSeconds;
    }
}
