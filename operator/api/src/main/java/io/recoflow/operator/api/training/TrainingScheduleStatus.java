package io.recoflow.operator.api.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.recoflow.operator.api.common.Status;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingScheduleStatus extends Status {
    public Run lastRun;

    @JsonPropertyDescription("The last run whose challenger passed the gate.")
    public Run lastSuccess;

    @JsonPropertyDescription("Version number of the newest challenger registered.")
    public Long challengerVersion;

    @JsonPropertyDescription("Offline metrics of the last evaluated challenger and of the champion it was gated "
            + "against.")
    public Map<String, Double> challengerMetrics;

    public Map<String, Double> championMetrics;

    @JsonPropertyDescription("When the schedule starts the next run (RFC 3339).")
    public String nextRun;

    @JsonPropertyDescription("The last time a schedule tick was acted on (RFC 3339): ticks before it are done.")
    public String lastScheduleTime;

    @JsonPropertyDescription("The last population stability index measured against the champion's training data.")
    public Double psi;

    @JsonPropertyDescription("Why the last run started, in words.")
    public String lastTrigger;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Run {
        public String job;

        public Long version;

        public String trigger;

        public String startTime;

        public String completionTime;

        @JsonPropertyDescription("Running, Registered, GateFailed, Failed.")
        public String result;

        public String message;

        public Double gain;
    }
}
