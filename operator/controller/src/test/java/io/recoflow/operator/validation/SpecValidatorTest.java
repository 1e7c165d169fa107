package io.recoflow.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.Autoscaling;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.PlacementCluster;
import io.recoflow.operator.api.spec.MlflowSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.operator.api.spec.Slo;
import io.recoflow.operator.api.spec.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    static RecommendationModel valid() {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName("retail-recs").build());
        RecommendationModelSpec s = new RecommendationModelSpec();
        s.model = "retail-recs";
        s.autoscaling = new Autoscaling();
        s.autoscaling.minReplicas = 2;
        s.autoscaling.maxReplicas = 10;
        s.autoscaling.targetCPUUtilization = 70;
        s.rollout = new Rollout();
        s.rollout.steps = List.of(new CanaryStep(10, 60), new CanaryStep(50, 60), new CanaryStep(100, 0));
        s.slo = new Slo();
        s.slo.p95LatencyMs = 50;
        s.slo.maxErrorRate = 0.01;
        rm.setSpec(s);
        return rm;
    }

    static ModelVersion version(String uri) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName("retail-recs-v1").build());
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = "retail-recs";
        mv.getSpec().version = 1L;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = uri;
        return mv;
    }

    @Test
    void validModelPasses() {
        assertThat(Specs.validate(valid())).isEmpty();
    }

    @Test
    void minAboveMaxAndMissingTargetAreFlagged() {
        RecommendationModel rm = valid();
        rm.getSpec().autoscaling.minReplicas = 11;
        rm.getSpec().autoscaling.targetCPUUtilization = null;
        assertThat(Specs.validate(rm)).containsExactlyInAnyOrder(
                "spec.autoscaling: minReplicas must be <= maxReplicas",
                "spec.autoscaling: set targetCPUUtilization and/or targetRPS");
    }

    @Test
    void canaryWeightsMustBeInRangeAndStrictlyIncreasing() {
        RecommendationModel rm = valid();
        rm.getSpec().rollout.steps = List.of(new CanaryStep(10, 0), new CanaryStep(10, 0), new CanaryStep(101, 0));
        assertThat(Specs.validate(rm)).contains(
                "spec.rollout.steps: canary step weights must be strictly increasing",
                "spec.rollout.steps[2].weight: must be within 0..100");
        rm.getSpec().rollout.steps = List.of(new CanaryStep(50, 0), new CanaryStep(20, 0));
        assertThat(Specs.validate(rm)).containsExactly(
                "spec.rollout.steps: canary step weights must be strictly increasing");
    }

    @Test
    void strategyAndStepsMustAgree() {
        RecommendationModel rm = valid();
        rm.getSpec().rollout.strategy = Strategy.BLUE_GREEN;
        assertThat(Specs.validate(rm)).containsExactly("spec.rollout.steps: blue-green takes no steps");
        rm.getSpec().rollout.strategy = Strategy.CANARY;
        rm.getSpec().rollout.steps = List.of();
        assertThat(Specs.validate(rm)).containsExactly("spec.rollout.steps: canary needs at least one step");
        rm.getSpec().rollout.steps = null;
        rm.getSpec().rollout.progressDeadlineSeconds = 5;
        assertThat(Specs.validate(rm)).contains("spec.rollout.progressDeadlineSeconds: must be within 10..86400");
    }

    @Test
    void embeddedRuntimeNeedsImageAndReplicasExcludeAutoscaling() {
        RecommendationModel rm = valid();
        rm.getSpec().runtime = Runtime.EMBEDDED;
        rm.getSpec().replicas = 3;
        assertThat(Specs.validate(rm)).containsExactlyInAnyOrder(
                "spec.image: required when runtime is embedded",
                "spec: set either replicas or autoscaling, not both");
    }

    @Test
    void placementWeightsSumTo100WithUniqueNames() {
        RecommendationModel rm = valid();
        rm.getSpec().placement = new Placement();
        rm.getSpec().placement.clusters = List.of(cluster("eks-eu", 60), cluster("eks-eu", 30));
        assertThat(Specs.validate(rm)).containsExactlyInAnyOrder(
                "spec.placement.clusters: cluster names must be unique",
                "spec.placement.clusters: cluster weights must sum to 100 (got 90)");
        rm.getSpec().placement.clusters = List.of(cluster("eks-eu", 60), cluster("aks-we", 40));
        assertThat(Specs.validate(rm)).isEmpty();
    }

    @Test
    void badModelNameAndSloRangesAreFlagged() {
        RecommendationModel rm = valid();
        rm.getSpec().model = "Retail Recs";
        rm.getSpec().slo.maxErrorRate = 1.5;
        rm.getSpec().slo.p95LatencyMs = 0;
        assertThat(Specs.validate(rm)).hasSize(3);
    }

    @Test
    void artifactNeedsExactlyOneSourceAndAKnownScheme() {
        assertThat(Specs.validate(version("s3://bucket/models/recs"))).isEmpty();
        assertThat(Specs.validate(version("abfss://c@acct.dfs.core.windows.net/recs"))).isEmpty();
        assertThat(Specs.validate(version("file:///models/recs"))).isEmpty();
        assertThat(Specs.validate(version("http://example.com/recs")))
                .containsExactly("spec.artifact.uri: scheme must be s3://, abfss:// or file://");
        ModelVersion both = version("s3://b/recs");
        both.getSpec().artifact.mlflow = new MlflowSource();
        both.getSpec().artifact.mlflow.registeredModel = "recs";
        both.getSpec().artifact.mlflow.version = "3";
        assertThat(Specs.validate(both)).containsExactly("spec.artifact: set exactly one of mlflow or uri");
        ModelVersion none = version(null);
        assertThat(Specs.validate(none)).containsExactly("spec.artifact: set exactly one of mlflow or uri");
    }

    @Test
    void mlflowNeedsExactlyOneOfVersionOrAlias() {
        ModelVersion mv = version(null);
        mv.getSpec().artifact.mlflow = new MlflowSource();
        mv.getSpec().artifact.mlflow.registeredModel = "recs";
        assertThat(Specs.validate(mv)).containsExactly("spec.artifact.mlflow: set exactly one of version or alias");
        mv.getSpec().artifact.mlflow.alias = "champion";
        assertThat(Specs.validate(mv)).isEmpty();
        mv.getSpec().version = 0L;
        assertThat(Specs.validate(mv)).containsExactly("spec.version: must be >= 1");
    }

    private static PlacementCluster cluster(String name, int weight) {
        PlacementCluster c = new PlacementCluster();
        c.name = name;
        c.weight = weight;
        return c;
    }
}
