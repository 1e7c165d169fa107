package io.recoflow.operator.api.budget;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.recoflow.operator.api.common.Status;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CloudCostBudgetStatus extends Status {
    @JsonPropertyDescription("First instant of the period measured (RFC 3339, UTC).")
    public String periodStart;

    @JsonPropertyDescription("Period-to-date spend, USD.")
    public Double spentUSD;

    @JsonPropertyDescription("Period-end forecast, USD.")
    public Double forecastUSD;

    @JsonPropertyDescription("How forecastUSD was computed, in words.")
    public String forecastMethod;

    @JsonPropertyDescription("spentUSD / limitUSD, percent.")
    public Double percentSpent;

    public Map<String, Double> byCloud;

    public Map<String, Double> byCluster;

    public Map<String, Double> byNamespace;

    @JsonPropertyDescription("USD per 1,000 recommendations served this period (service request counter).")
    public Double costPer1kRecommendations;

    @JsonPropertyDescription("The cluster with the lowest cost per request (what shiftTraffic moves traffic to).")
    public String cheapestCluster;

    @JsonPropertyDescription("Actions in effect, with the threshold that triggered each and since when.")
    public List<ActionStatus> actions;

    @JsonPropertyDescription("The actions in effect, comma-separated, or none (the ACTION column).")
    public String action;

    @JsonPropertyDescription("When the cost source was last read successfully (RFC 3339).")
    public String checkedAt;

    @JsonPropertyDescription("Newest cost data behind the figures (RFC 3339).")
    public String dataAsOf;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ActionStatus {
        public CloudCostBudgetSpec.Action action;

        public Integer percent;

        public CloudCostBudgetSpec.Basis basis;

        @JsonPropertyDescription("capReplicas: the cap; shiftTraffic: the floor percent.")
        public Integer value;

        public String since;
    }
}
