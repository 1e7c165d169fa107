package io.recoflow.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.recoflow.operator.api.common.Status;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecommendationModelStatus extends Status {
    public ModelPhase phase;

    @JsonPropertyDescription("Version taking the stable share of traffic.")
    public Long servingVersion;

    public String servingUri;

    @JsonPropertyDescription("Version being rolled out, if any.")
    public Long candidateVersion;

    public String candidateUri;

    @JsonPropertyDescription("Percent of traffic on the candidate (canary) or 0/100 (blue-green).")
    public Integer canaryWeight;

    @JsonPropertyDescription("Index of the current canary step.")
    public Integer rolloutStep;

    @JsonPropertyDescription("When the current step (or blue-green wait) began, RFC 3339.")
    public String stepStartedAt;

    @JsonPropertyDescription("When the current step's Deployment became available, RFC 3339.")
    public String stepReadyAt;

    @JsonPropertyDescription("blue or green: the Deployment slot behind the Service.")
    public String activeSlot;

    public Long lastStableVersion;

    public StableSpec lastStableSpec;

    @JsonPropertyDescription("What served before lastStableSpec: where a sustained SLO breach of the serving version "
            + "demotes to (absent: nothing to go back to).")
    public StableSpec previousStableSpec;

    @JsonPropertyDescription("When the SLO watch of the serving version first saw it break spec.slo, RFC 3339. A "
            + "look that still fails one spec.slo.window later demotes it to previousStableSpec; a passing look "
            + "clears this.")
    public String breachSince;

    @JsonPropertyDescription("Version whose rollout failed; it is not retried until its stage changes.")
    public Long lastFailedVersion;

    public List<Endpoint> endpoints;

    @JsonPropertyDescription("Last canary analysis against spec.slo (Prometheus), or Off; after a rollout, also the "
            + "SLO watch of the serving version when a look fails or ends a breach.")
    public AnalysisStatus analysis;

    @JsonPropertyDescription("The last spec that passed validation, as JSON: while the current spec is invalid the "
            + "operator keeps reconciling this one (deadlines, analysis, rollback), as Flink's lastReconciledSpec.")
    public String lastValidSpec;

    @JsonPropertyDescription("One entry per cluster of spec.placement (absent without a placement).")
    public List<ClusterStatus> clusters;

    @JsonPropertyDescription("Clusters serving / clusters with weight, e.g. 2/2 (the CLUSTERS column).")
    public String clustersReady;

    @JsonPropertyDescription("Sequential placement rollout: index in spec.placement.clusters of the cluster the "
            + "canary steps run on now.")
    public Integer rolloutCluster;

    @JsonPropertyDescription("The ABExperiment whose user split the model serves now (its variants' versions are "
            + "loaded next to the serving one).")
    public String experiment;

    @JsonPropertyDescription("A production version whose rollout waits for the running experiment to end; it goes "
            + "first when it does, before another experiment starts.")
    public Long heldVersion;

    @JsonPropertyDescription("CloudCostBudget actions the model is rendered under (capReplicas, shiftTraffic, "
            + "scaleToMinimum), in words; absent when none.")
    public String budget;
}
