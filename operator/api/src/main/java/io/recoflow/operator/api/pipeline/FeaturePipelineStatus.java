package io.recoflow.operator.api.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.recoflow.operator.api.common.Status;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeaturePipelineStatus extends Status {
    @JsonPropertyDescription("Pending, Running, Stale, Degraded, Failed.")
    public String phase;

    public List<TopicStatus> topics = new ArrayList<>();

    @JsonPropertyDescription("The worker's consumer lag: end offsets minus its group's committed offsets.")
    public Lag lag;

    public Freshness freshness;

    @JsonPropertyDescription("The lake sink's progress: its group's lag and committed offsets.")
    public SinkStatus sink;

    @JsonPropertyDescription("What scales the worker: ScaledObject (KEDA), HorizontalPodAutoscaler or none.")
    public String autoscaler;

    @JsonPropertyDescription("A CloudCostBudget's action in effect on the pipeline (capReplicas on the autoscalers).")
    public String budget;

    @JsonPropertyDescription("Per cluster of spec.placement: whether its collector, worker and sink are available.")
    public List<ClusterStatus> clusters;

    /** How one cluster of the placement runs the pipeline's apps. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ClusterStatus {
        public String name;

        @JsonPropertyDescription("Share the spec gives this cluster; 0: its apps are removed.")
        public Integer weight;

        @JsonPropertyDescription("True when its collector, worker and sink have their replicas available.")
        public Boolean workersReady;

        @JsonPropertyDescription("What is unavailable, or why the cluster cannot be reached.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TopicStatus {
        public String name;

        public Integer partitions;

        public Boolean ready;

        @JsonPropertyDescription("What Kafka (or the Topic Operator) said when it is not ready.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Lag {
        public Long total;

        @JsonPropertyDescription("The largest lag of one partition.")
        public Long maxPartition;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Freshness {
        @JsonPropertyDescription("Age in seconds of the newest event the worker applied.")
        public Long ageSeconds;

        @JsonPropertyDescription("Event time of the newest applied event (RFC 3339).")
        public String newestEvent;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SinkStatus {
        public Long lag;

        @JsonPropertyDescription("Sum of the sink group's committed offsets: messages landed in the lake.")
        public Long committed;
    }
}
