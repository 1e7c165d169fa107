package io.recoflow.operator.api.budget;

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
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.thresholds) || self.thresholds.map(t, t.percent).isSorted()",
        message = "thresholds must be sorted by percent")
@ValidationRule(value = "self.source.type != 'opencost' || has(self.source.opencost)",
        message = "source.opencost is required for type opencost")
@ValidationRule(value = "self.source.type != 'cloudBilling' || has(self.source.aws) || has(self.source.azure)",
        message = "source.aws and/or source.azure is required for type cloudBilling")
@ValidationRule(value = "!has(self.thresholds) || !self.thresholds.exists(t, t.action == 'notify') "
        + "|| has(self.notify)", message = "a notify threshold needs spec.notify")
public class CloudCostBudgetSpec {
    @Default("monthly")
    public Period period;

    @Required
    @Min(0)
    @Max(100_000_000)
    @JsonPropertyDescription("The budget in US dollars for one period.")
    public Double limitUSD;

    public Scope scope;

    @Required
    public Source source;

    @Size(max = 10)
    @JsonPropertyDescription("In ascending percent; each action is in effect while its basis is at or above it.")
    public List<Threshold> thresholds;

    public Notify notify;

    @Min(10)
    @Max(86400)
    @Default("300")
    @JsonPropertyDescription("Seconds between reads of the cost source (errors back off up to 10x this).")
    public Long pollIntervalSeconds;

    public enum Period {
        @JsonProperty("monthly")
        MONTHLY
    }

    /** What the budget covers; empty means every cluster and namespace the source reports. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Scope {
        @Size(max = 16)
        @JsonPropertyDescription("ClusterTarget names (local is the hub).")
        public List<@Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$") String> clusters;

        @Size(max = 32)
        public List<String> namespaces;

        @JsonPropertyDescription("Labels a Recoflow resource must carry for the actions to reach it.")
        public Map<String, String> matchLabels;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Source {
        @Required
        public SourceType type;

        public OpenCost opencost;

        public AwsBilling aws;

        public AzureBilling azure;

        @Min(60)
        @Max(172_800)
        @Default("3600")
        @JsonPropertyDescription("Data older than this is stale: no action is taken or released on it.")
        public Long maxAgeSeconds;
    }

    public enum SourceType {
        @JsonProperty("opencost")
        OPENCOST,
        @JsonProperty("cloudBilling")
        CLOUD_BILLING
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class OpenCost {
        @Required
        @Pattern("^https?://[^\\s]+$")
        @JsonPropertyDescription("Prometheus that holds OpenCost's metrics (node_total_hourly_cost, ...).")
        public String prometheusUrl;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AwsBilling {
        @Required
        @JsonPropertyDescription("Secret (same namespace) with accessKeyId, secretAccessKey, optional sessionToken.")
        public String credentialsSecret;

        @Pattern("^https?://[^\\s]+$")
        @JsonPropertyDescription("Cost Explorer endpoint override (tests, VPC endpoints).")
        public String endpoint;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AzureBilling {
        @Required
        @JsonPropertyDescription("Secret (same namespace) with tenantId, clientId, clientSecret, scope.")
        public String credentialsSecret;

        @Pattern("^https?://[^\\s]+$")
        @JsonPropertyDescription("Cost Management endpoint override (tests).")
        public String endpoint;

        @Pattern("^https?://[^\\s]+$")
        @JsonPropertyDescription("Entra ID authority override (tests).")
        public String authorityHost;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.action != 'capReplicas' || has(self.maxReplicas)",
            message = "capReplicas needs maxReplicas")
    public static class Threshold {
        @Required
        @Min(1)
        @Max(1000)
        @JsonPropertyDescription("Percent of limitUSD.")
        public Integer percent;

        @Default("actual")
        @JsonPropertyDescription("actual: month-to-date spend; forecast: the month-end forecast.")
        public Basis basis;

        @Required
        public Action action;

        @Min(1)
        @Max(1000)
        @JsonPropertyDescription("capReplicas: the HPA maxReplicas cap (never below the resource's minReplicas).")
        public Integer maxReplicas;

        @Min(0)
        @Max(50)
        @Default("10")
        @JsonPropertyDescription("shiftTraffic: no cluster goes below this share (percent) of its configured weight's "
                + "traffic; default 10.")
        public Integer floorPercent;
    }

    public enum Basis {
        @JsonProperty("actual")
        ACTUAL,
        @JsonProperty("forecast")
        FORECAST
    }

    public enum Action {
        @JsonProperty("notify")
        NOTIFY,
        @JsonProperty("capReplicas")
        CAP_REPLICAS,
        @JsonProperty("shiftTraffic")
        SHIFT_TRAFFIC,
        @JsonProperty("pauseExperiments")
        PAUSE_EXPERIMENTS,
        @JsonProperty("scaleToMinimum")
        SCALE_TO_MINIMUM
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Notify {
        @Required
        @JsonPropertyDescription("Secret (same namespace) whose key holds the webhook URL (Slack or Teams).")
        public String webhookSecret;

        @Default("url")
        public String key;
    }
}
