package io.recoflow.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** examples/ is what users copy: it must parse into the CR classes and pass validation. */
class ExamplesTest {
    static final Path EXAMPLES = Path.of(System.getProperty("recoflow.repo.root", "../..")).resolve("examples");

    @Test
    void examplesAreValidAndDescribeTheDocumentedSetup() throws IOException {
        List<HasMetadata> items = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (String yaml : documents(f)) {
                    String kind = Serialization.unmarshal(yaml,
                            io.fabric8.kubernetes.api.model.GenericKubernetesResource.class).getKind();
                    items.add(switch (kind) {
                        case "RecommendationModel" -> Serialization.unmarshal(yaml, RecommendationModel.class);
                        case "ModelVersion" -> Serialization.unmarshal(yaml, ModelVersion.class);
                        case "ClusterTarget" -> Serialization.unmarshal(yaml, ClusterTarget.class);
                        case "TrainingSchedule" -> Serialization.unmarshal(yaml,
                                io.recoflow.operator.api.training.TrainingSchedule.class);
                        case "CloudCostBudget" -> Serialization.unmarshal(yaml,
                                io.recoflow.operator.api.budget.CloudCostBudget.class);
                        case "ABExperiment" -> Serialization.unmarshal(yaml,
                                io.recoflow.operator.api.experiment.ABExperiment.class);
                        case "FeaturePipeline" -> Serialization.unmarshal(yaml,
                                io.recoflow.operator.api.pipeline.FeaturePipeline.class);
                        default -> throw new AssertionError("unexpected kind " + kind + " in " + f);
                    });
                }
            }
        }
        List<RecommendationModel> rms = items.stream().filter(RecommendationModel.class::isInstance)
                .map(RecommendationModel.class::cast).toList();
        List<ModelVersion> mvs = items.stream().filter(ModelVersion.class::isInstance)
                .map(ModelVersion.class::cast).toList();
        assertThat(rms).singleElement().satisfies(rm -> {
            assertThat(Specs.validate(rm)).isEmpty();
            assertThat(rm.getSpec().rollout.strategy).isEqualTo(Strategy.CANARY);
            assertThat(rm.getSpec().rollout.steps).extracting(s -> s.weight).containsExactly(10, 50, 100);
            assertThat(rm.getSpec().autoscaling.minReplicas).isEqualTo(2);
            assertThat(rm.getSpec().autoscaling.maxReplicas).isEqualTo(10);
            assertThat(rm.getSpec().slo.p95LatencyMs).isEqualTo(50);
        });
        assertThat(mvs).hasSize(2).allSatisfy(mv -> assertThat(Specs.validate(mv)).isEmpty());
        assertThat(mvs).extracting(mv -> mv.getSpec().stage)
                .containsExactlyInAnyOrder(Stage.PRODUCTION, Stage.CANDIDATE);
        List<io.recoflow.operator.api.experiment.ABExperiment> experiments = items.stream()
                .filter(io.recoflow.operator.api.experiment.ABExperiment.class::isInstance)
                .map(io.recoflow.operator.api.experiment.ABExperiment.class::cast).toList();
        assertThat(experiments).singleElement().satisfies(x -> {
            assertThat(Specs.validate(x)).isEmpty();
            // it compares the example's two versions of the example's model
            assertThat(x.getSpec().modelRef).isEqualTo(rms.get(0).getMetadata().getName());
            assertThat(x.getSpec().variants).extracting(v -> v.modelVersion)
                    .containsExactlyInAnyOrderElementsOf(mvs.stream().map(mv -> mv.getMetadata().getName()).toList());
        });
        assertThat(items.stream().filter(io.recoflow.operator.api.budget.CloudCostBudget.class::isInstance)
                .map(io.recoflow.operator.api.budget.CloudCostBudget.class::cast).toList()).singleElement()
                .satisfies(b -> {
                    assertThat(Specs.validate(b)).isEmpty();
                    assertThat(b.getSpec().limitUSD).isEqualTo(500.0);
                    assertThat(b.getSpec().scope.clusters).containsExactly("eks-prod", "aks-prod");
                });
        assertThat(items.stream().filter(io.recoflow.operator.api.training.TrainingSchedule.class::isInstance)
                .map(io.recoflow.operator.api.training.TrainingSchedule.class::cast).toList()).singleElement()
                .satisfies(t -> {
                    assertThat(Specs.validate(t)).isEmpty();
                    assertThat(t.getSpec().modelRef).isEqualTo(rms.get(0).getMetadata().getName());
                });
        assertThat(items.stream().filter(io.recoflow.operator.api.pipeline.FeaturePipeline.class::isInstance)
                .map(io.recoflow.operator.api.pipeline.FeaturePipeline.class::cast).toList()).singleElement()
                .satisfies(p -> {
                    assertThat(Specs.validate(p)).isEmpty();
                    assertThat(p.getSpec().kafka.topics.events.partitions).isEqualTo(12);
                    assertThat(p.getSpec().sink.targets).hasSize(2);
                    assertThat(p.getSpec().deletionPolicy)
                            .isEqualTo(io.recoflow.operator.api.pipeline.FeaturePipelineSpec.DeletionPolicy.RETAIN);
                });
        List<ClusterTarget> targets = items.stream().filter(ClusterTarget.class::isInstance)
                .map(ClusterTarget.class::cast).toList();
        assertThat(targets).allSatisfy(ct -> {
            assertThat(Specs.validate(ct)).isEmpty();
            assertThat(ct.getMetadata().getNamespace()).as("cluster-scoped").isNull();
            // the operator reads kubeconfig Secrets only in its own namespace
            assertThat(ct.getSpec().kubeconfigSecretRef.namespace).isEqualTo(Settings.DEPLOY_NAMESPACE);
        });
        assertThat(targets).extracting(ct -> ct.getMetadata().getName() + ":" + ct.getSpec().cloud + ":"
                + ct.getSpec().region).containsExactlyInAnyOrder("eks-prod:AWS:eu-west-1", "aks-prod:AZURE:westeurope");
    }

    /** The YAML documents of a file ("---" between them). */
    static List<String> documents(Path f) throws IOException {
        return java.util.Arrays.stream(Files.readString(f).split("(?m)^---\\s*$"))
                .filter(d -> d.lines().anyMatch(l -> !l.isBlank() && !l.trim().startsWith("#"))).toList();
    }
}
