package io.recoflow.operator.api.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.recoflow.operator.api.common.Status;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ABExperimentStatus extends Status {
    public ExperimentPhase phase;

    @JsonPropertyDescription("When the model started serving the split (RFC 3339); durations count from here.")
    public String startedAt;

    @JsonPropertyDescription("When the experiment reached its final phase (RFC 3339).")
    public String decidedAt;

    public List<VariantStatus> variants;

    @JsonPropertyDescription("Chi-square p-value of the exposed users against the configured weights.")
    public Double srmPValue;

    @JsonPropertyDescription("The variant the decision chose (absent while undecided, inconclusive or stopped).")
    public String winner;

    @JsonPropertyDescription("The winner's model version number.")
    public Long winnerVersion;

    @JsonPropertyDescription("The variant with the best primary metric so far (the LEADER column).")
    public String leader;

    @JsonPropertyDescription("The leader's relative lift vs control, e.g. +4.2% (the LIFT column).")
    public String leaderLift;

    @JsonPropertyDescription("Exposed users over all variants.")
    public Long users;

    @JsonPropertyDescription("Why the experiment is in its phase, in words (measured values included).")
    public String reason;

    @JsonPropertyDescription("Last time the counts were read from Prometheus (RFC 3339).")
    public String checkedAt;
}
