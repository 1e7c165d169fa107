package io.recoflow.operator.api.pipeline;

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
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.recoflow.operator.api.spec.Placement;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.kafka.topicManagement != 'strimzi' || has(self.kafka.strimziCluster)",
        message = "topicManagement strimzi needs kafka.strimziCluster (the strimzi.io/cluster label)")
@ValidationRule(value = "!has(self.collector) || !has(self.collector.autoscaling) "
        + "|| !has(self.collector.autoscaling.lag)",
        message = "lag autoscaling is for the worker (the collector does not consume)")
@ValidationRule(value = "!has(self.placement) || !has(self.placement.dns)",
        message = "placement.dns does not apply to a FeaturePipeline (its apps serve no traffic)")
public class FeaturePipelineSpec {
    @Required
    public Kafka kafka;

    @Required
    public Redis redis;

    public Features features;

    public Component collector;

    public Component worker;

    public Sink sink;

    public Freshness freshness;

    @JsonPropertyDescription("The clusters (ClusterTargets; local is the hub) the apps run in, as for a "
            + "RecommendationModel: every cluster with weight > 0 gets the features ConfigMap, the collector, worker "
            + "and sink with their Services, PDBs and autoscalers, each with the replicas of this spec; weight 0 gets "
            + "none. The topics are managed once. rollout and failover do not apply, dns is refused. Without it: the "
            + "hub only.")
    public Placement placement;

    @Default("retain")
    @JsonPropertyDescription("What deleting the pipeline does to its topics: retain (default) keeps them and their "
            + "data; delete deletes them (admin mode) or their KafkaTopic resources (strimzi mode).")
    public DeletionPolicy deletionPolicy;

    public enum DeletionPolicy {
        @JsonProperty("retain")
        RETAIN,
        @JsonProperty("delete")
        DELETE
    }

    public enum TopicManagement {
        @JsonProperty("admin")
        ADMIN,
        @JsonProperty("strimzi")
        STRIMZI
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Kafka {
        @Required
        @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
        @Size(max = 1024)
        @JsonPropertyDescription("host:port[,host:port...] of the brokers, for the operator and the apps.")
        public String bootstrapServers;

        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @JsonPropertyDescription("Secret (same namespace) whose key client.properties holds the Kafka client "
                + "settings (security.protocol, ssl.*, sasl.*); mounted into the collector, worker and sink.")
        public String clientSecret;

        @Default("admin")
        @JsonPropertyDescription("admin (default): the operator creates and corrects the topics with Kafka's Admin "
                + "API; strimzi: it renders Strimzi KafkaTopic resources and the Topic Operator does.")
        public TopicManagement topicManagement;

        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @JsonPropertyDescription("strimzi mode: the Kafka resource the topics belong to (label strimzi.io/cluster).")
        public String strimziCluster;

        public Topics topics;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Topics {
        @JsonPropertyDescription("User interactions (default name recoflow.events).")
        public Topic events;

        @JsonPropertyDescription("Impressions (default name recoflow.impressions).")
        public Topic impressions;

        @JsonPropertyDescription("Events the worker could not apply (default name recoflow.events.DLT).")
        public Topic deadLetter;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.minInsyncReplicas) || !has(self.replicationFactor) "
            + "|| self.minInsyncReplicas <= self.replicationFactor",
            message = "minInsyncReplicas must be <= replicationFactor")
    public static class Topic {
        @Pattern("^[a-zA-Z0-9._-]{1,249}$")
        public String name;

        @Min(1)
        @Max(10000)
        @Default("6")
        @JsonPropertyDescription("Partitions (default 6). Kafka can only add partitions: a lower value is refused "
                + "and reported.")
        public Integer partitions;

        @Min(1)
        @Max(32)
        @Default("3")
        @JsonPropertyDescription("Replication factor (default 3); fixed at creation.")
        public Integer replicationFactor;

        @Min(-1)
        @JsonPropertyDescription("retention.ms (-1: forever).")
        public Long retentionMs;

        @Min(1)
        @Max(32)
        @JsonPropertyDescription("min.insync.replicas.")
        public Integer minInsyncReplicas;

        @Size(max = 32)
        @JsonPropertyDescription("Other topic configs (e.g. cleanup.policy, compression.type), kept as given.")
        public Map<String, String> config;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Redis {
        @Required
        @Pattern("^[A-Za-z0-9.-]+$")
        @Size(max = 253)
        public String host;

        @Min(1)
        @Max(65535)
        @Default("6379")
        public Integer port;

        public Boolean tls;

        public SecretKey passwordSecretRef;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecretKey {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        public String name;

        @Required
        @Pattern("^[-._a-zA-Z0-9]+$")
        @Size(max = 253)
        public String key;
    }

    /**
     * The worker's feature settings (workloads/common contract.FeatureSettings); the bounds are FeatureSettings'
     * MAX_* constants (the api module does not depend on workloads/common: PipelineRenderTest checks they agree).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Features {
        @Min(1)
        @Max(1000)
        @JsonPropertyDescription("Most recent items kept per user (default 50).")
        public Integer recentItemsCap;

        @Min(60)
        @JsonPropertyDescription("How long a user's recent items live after their last event (default 30 days).")
        public Long userTtlSeconds;

        @Size(min = 1, max = 8)
        @ValidationRule(value = "self.isSorted()", message = "popularityWindowsHours must be ascending")
        @JsonPropertyDescription("Popularity windows the service may read, in hours (1..2160, ascending).")
        public List<@Min(1) @Max(2160) Integer> popularityWindowsHours;

        @Min(0)
        @Max(200)
        @JsonPropertyDescription("How many of the user's most recent items pair with a new one (default 20).")
        public Integer covisitWindow;

        @Min(1)
        @Max(5000)
        @JsonPropertyDescription("Most co-visited neighbours kept per item (default 200).")
        public Integer covisitCap;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.replicas) || !has(self.autoscaling)",
            message = "set replicas or autoscaling, not both")
    public static class Component {
        @Size(min = 1, max = 512)
        @JsonPropertyDescription("Image (default: the operator's release of the app).")
        public String image;

        public ResourceRequirements resources;

        @Min(0)
        @Max(1000)
        @JsonPropertyDescription("Fixed replicas (default 1).")
        public Integer replicas;

        public Scaling autoscaling;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.minReplicas <= self.maxReplicas", message = "minReplicas must be <= maxReplicas")
    @ValidationRule(value = "has(self.lag) || has(self.targetCPUUtilization)",
            message = "set lag and/or targetCPUUtilization")
    public static class Scaling {
        @Required
        @Min(0)
        @Max(1000)
        public Integer minReplicas;

        @Required
        @Min(1)
        @Max(1000)
        @JsonPropertyDescription("Upper bound; a lag-scaled worker is also capped at the events topic's partitions "
                + "(an extra consumer would have no partition).")
        public Integer maxReplicas;

        @Min(1)
        @Max(100)
        public Integer targetCPUUtilization;

        public Lag lag;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Lag {
        @Required
        @Min(1)
        @JsonPropertyDescription("Messages of lag per replica the autoscaler aims for (KEDA lagThreshold, or the "
                + "HPA's average value of the worker's lag metric).")
        public Long threshold;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Sink {
        @Required
        @Size(min = 1, max = 4)
        @JsonPropertyDescription("Data-lake targets: s3://bucket/prefix and/or "
                + "abfss://container@account.dfs.core.windows.net/prefix. Parquet, partitioned by event date.")
        public List<@Pattern("^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\\S*)?"
                + "|abfss://[a-z0-9-]{3,63}@[a-z0-9]{3,24}\\.dfs\\.core\\.windows\\.net(/\\S*)?)$") String> targets;

        @Min(1048576)
        @Default("134217728")
        @JsonPropertyDescription("A Parquet file closes at this many bytes (default 128 MiB) ...")
        public Long flushBytes;

        @Min(1)
        @Max(86400)
        @Default("300")
        @JsonPropertyDescription("... or this many seconds after its first row (default 300), whichever comes first.")
        public Integer flushIntervalSeconds;

        @Size(max = 512)
        @JsonPropertyDescription("S3 endpoint override (S3-compatible stores).")
        public String s3Endpoint;

        @Size(max = 64)
        public String s3Region;

        @Size(max = 512)
        @JsonPropertyDescription("Azure Blob endpoint override (Azurite).")
        public String azureEndpoint;

        @JsonPropertyDescription("Azure connection string (else workload identity).")
        public SecretKey azureConnectionStringSecretRef;

        @Size(min = 1, max = 512)
        public String image;

        public ResourceRequirements resources;

        @Min(0)
        @Max(100)
        @Default("1")
        public Integer replicas;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Freshness {
        @Min(1)
        @Max(86400)
        @Default("300")
        @JsonPropertyDescription("The freshness SLO: while events wait (lag > 0), the newest applied event may be at "
                + "most this old (default 300).")
        public Integer maxSeconds;
    }
}
