package io.recoflow.operator.api.training;

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
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.schedule) || has(self.triggers)",
        message = "set a schedule and/or triggers: nothing would ever start a run")
@ValidationRule(value = "self.onSuccess != 'experiment' || has(self.experiment)",
        message = "onSuccess experiment needs spec.experiment")
public class TrainingScheduleSpec {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    @ValidationRule(value = "self == oldSelf", message = "modelRef is immutable")
    @JsonPropertyDescription("The RecommendationModel (same namespace) whose versions this trains.")
    public String modelRef;

    @Pattern("^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)$")
    @JsonPropertyDescription("Cron schedule (5 fields, UTC, or @daily...), as a CronJob's.")
    public String schedule;

    public Triggers triggers;

    @Required
    public Trainer trainer;

    @Required
    @Pattern("^(local:/\\S+|mlflow:https?://\\S+)$")
    @JsonPropertyDescription("The trainer's registry: local:/path or mlflow:http(s)://host:port.")
    public String registry;

    @Pattern("^[A-Za-z0-9_.-]{1,128}$")
    @JsonPropertyDescription("Registered model name (default: the RecommendationModel's spec.model).")
    public String registeredModel;

    public Gate gate;

    @Default("register")
    @JsonPropertyDescription("register: the challenger is registered and gets the alias challenger, and a candidate "
            + "ModelVersion is created for it; experiment: the same, then an ABExperiment champion vs challenger "
            + "from spec.experiment.")
    public OnSuccess onSuccess;

    public ExperimentTemplate experiment;

    @Default("Forbid")
    @JsonPropertyDescription("Forbid (default): a run due while one is active is skipped; Replace: the active one is "
            + "deleted and the new one starts. (Allow is not offered: two trainers would race for the alias.)")
    public ConcurrencyPolicy concurrencyPolicy;

    @Min(1)
    @Max(100)
    @Default("3")
    @JsonPropertyDescription("Finished Jobs kept (default 3); older ones are deleted.")
    public Integer historyLimit;

    @Min(0)
    @Max(10)
    @Default("2")
    @JsonPropertyDescription("Retries of a failed run (the Job's backoffLimit).")
    public Integer backoffLimit;

    public enum OnSuccess {
        @JsonProperty("register")
        REGISTER,
        @JsonProperty("experiment")
        EXPERIMENT
    }

    public enum ConcurrencyPolicy {
        Forbid,
        Replace
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Triggers {
        @Min(1)
        @JsonPropertyDescription("Start a run once at least this many events were applied by the feature worker "
                + "since the last run (recoflow_worker_events_total, through the operator's Prometheus).")
        public Long minNewEvents;

        public Drift drift;

        @Min(10)
        @Max(86400)
        @Default("300")
        @JsonPropertyDescription("Seconds between trigger checks (default 300).")
        public Long checkIntervalSeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Drift {
        @Min(0.01)
        @Max(10)
        @Default("0.2")
        @JsonPropertyDescription("Population stability index above which a run starts (0.2: a significant shift).")
        public Double psi;

        @Required
        @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}$")
        @JsonPropertyDescription("host:port of the feature store Redis whose popularity window is compared.")
        public String redis;

        @Min(1)
        @Max(168)
        @Default("24")
        @JsonPropertyDescription("Hours of the feature worker's popularity buckets in the recent window (default 24).")
        public Integer windowHours;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.engine != 'spark' || has(self.spark)", message = "engine spark needs trainer.spark")
    public static class Trainer {
        @Required
        @Size(min = 1, max = 512)
        public String image;

        public ResourceRequirements resources;

        @Required
        @Pattern("^[a-z]+(:[a-zA-Z0-9_.=,-]+)?$")
        @JsonPropertyDescription("Model in the trainer's syntax, e.g. ease:lambda=100 or als:factors=64.")
        public String model;

        @Required
        @Pattern("^(s3|s3a|abfss|file|https?)://\\S+$|^/\\S+$")
        @JsonPropertyDescription("Training data: a data-lake URI (the FeaturePipeline sink) or any path the trainer "
                + "reads.")
        public String data;

        @Required
        @Pattern("^(s3|s3a|abfss|file)://\\S+$|^/\\S+$")
        @JsonPropertyDescription("Model base path the trainer writes BASE/VERSION into (where the ModelVersions point).")
        public String output;

        @Default("jvm")
        @JsonPropertyDescription("jvm (default): the trainer image in a Job; spark: a SparkApplication of the Kubeflow "
                + "Spark operator running Spark MLlib ALS.")
        public Engine engine;

        public Spark spark;

        @Size(max = 16)
        @JsonPropertyDescription("Extra trainer arguments (e.g. --split ...).")
        public List<String> args;

        @Size(max = 4)
        @JsonPropertyDescription("PersistentVolumeClaims mounted into the trainer (engine jvm reads and writes "
                + "file:// paths: the data lake and the model store the model servers read).")
        public List<Mount> volumes;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Mount {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        public String claimName;

        @Required
        @Pattern("^/\\S+$")
        public String mountPath;

        public Boolean readOnly;
    }

    public enum Engine {
        @JsonProperty("jvm")
        JVM,
        @JsonProperty("spark")
        SPARK
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spark {
        @Required
        @Size(min = 1, max = 512)
        @JsonPropertyDescription("Spark image with the Recoflow Spark job (benchmarks/spark-als).")
        public String image;

        @Min(1)
        @Max(1000)
        @Default("2")
        public Integer executors;

        @Pattern("^[0-9]+[mg]$")
        @Default("2g")
        public String executorMemory;

        @Pattern("^3\\.[0-9]+\\.[0-9]+$")
        @Default("3.5.3")
        public String sparkVersion;

        @Size(min = 1, max = 253)
        @Default("spark")
        @JsonPropertyDescription("ServiceAccount of the driver (it creates the executors).")
        public String serviceAccount;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Gate {
        @Min(0)
        @Max(1)
        @Default("0")
        @JsonPropertyDescription("The challenger's ndcg@10 must beat the champion's by at least this, with the paired "
                + "bootstrap interval's lower bound above 0.")
        public Double minNdcgGain;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ExperimentTemplate {
        @Min(1)
        @Max(99)
        @Default("50")
        @JsonPropertyDescription("Percent of users on the challenger.")
        public Integer challengerWeight;

        @Default("conversion")
        public io.recoflow.operator.api.experiment.ABExperimentSpec.Metric primaryMetric;

        public io.recoflow.operator.api.experiment.ABExperimentSpec.Guardrails guardrails;

        public io.recoflow.operator.api.experiment.ABExperimentSpec.Analysis analysis;

        @Default("promote")
        @JsonPropertyDescription("As in ABExperiment (default promote: a winning challenger rolls out).")
        public io.recoflow.operator.api.experiment.ABExperimentSpec.OnConclusion onConclusion;
    }
}
