package io.recoflow.operator.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ABExperimentStatus;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.status.ModelVersionStatus;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.model.rollout.Target;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingTest {
    static final RecommendationModel RM = model("recs");
    static final List<ModelVersion> MVS = List.of(mv("recs", 1), mv("recs", 2), mv("recs", 3), mv("other", 9));

    static RecommendationModel model(String name) {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
        rm.setSpec(new RecommendationModelSpec());
        return rm;
    }

    static ModelVersion mv(String model, long v) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName(model + "-v" + v).withNamespace("ns").build());
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = model;
        mv.getSpec().version = v;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = "s3://m/" + model;
        mv.setStatus(new ModelVersionStatus());
        mv.getStatus().resolvedUri = "s3://m/" + model;
        mv.getStatus().phase = VersionPhase.Ready;
        return mv;
    }

    static ABExperiment x(String name, String created, ExperimentPhase phase, String control, String treatment) {
        ABExperiment x = new ABExperiment();
        x.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withCreationTimestamp(created)
                .build());
        ABExperimentSpec s = new ABExperimentSpec();
        s.modelRef = "recs";
        s.variants = new ArrayList<>(List.of(ABExperimentSpec.Variant.of("control", control, 50, true),
                ABExperimentSpec.Variant.of("treatment", treatment, 50, false)));
        x.setSpec(s);
        x.setStatus(new ABExperimentStatus());
        x.getStatus().phase = phase;
        return x;
    }

    @Test
    void theOldestRunningExperimentRoutesAndItsFileNamesTheVersions() {
        var later = x("b", "2026-12-01T10:00:00Z", ExperimentPhase.Running, "recs-v1", "recs-v3");
        var first = x("a", "2026-12-01T09:00:00Z", ExperimentPhase.Running, "recs-v1", "recs-v2");
        var pending = x("c", "2026-12-01T08:00:00Z", ExperimentPhase.Pending, "recs-v1", "recs-v2");
        assertThat(Routing.active(RM, List.of(later, first, pending), MVS)).contains(first);
        assertThat(Routing.versions(first, MVS)).containsExactly(1L, 2L);
        var file = Routing.file(first, MVS).experiments().get(0);
        assertThat(file.name()).isEqualTo("ns/a");
        assertThat(file.salt()).isEqualTo("ns/a");
        assertThat(file.attributionWindowSeconds()).isEqualTo(86_400);
        assertThat(Routing.file(null, MVS).experiments()).isEmpty();
        assertThat(Routing.holds(RM, List.of(pending))).isFalse();
        assertThat(Routing.holds(RM, List.of(first))).isTrue();
    }

    @Test
    void aVariantOfAnotherModelOrUnresolvedNeverRoutes() {
        var foreign = x("a", "2026-12-01T09:00:00Z", ExperimentPhase.Running, "recs-v1", "other-v9");
        assertThat(Routing.active(RM, List.of(foreign), MVS)).isEmpty();
        List<ModelVersion> failed = new ArrayList<>(MVS);
        failed.set(1, mv("recs", 2));
        failed.get(1).getStatus().phase = VersionPhase.Failed;
        var x = x("b", "2026-12-01T09:00:00Z", ExperimentPhase.Running, "recs-v1", "recs-v2");
        assertThat(Routing.active(RM, List.of(x), failed)).isEmpty();
    }

    @Test
    void aReportExperimentKeepsRoutingAfterItsDecisionOthersStop() {
        var report = x("a", "2026-12-01T09:00:00Z", ExperimentPhase.Concluded, "recs-v1", "recs-v2");
        report.getSpec().onConclusion = ABExperimentSpec.OnConclusion.REPORT;
        var keep = x("b", "2026-12-01T09:00:00Z", ExperimentPhase.Concluded, "recs-v1", "recs-v2");
        assertThat(Routing.active(RM, List.of(report), MVS)).contains(report);
        assertThat(Routing.active(RM, List.of(keep), MVS)).isEmpty();
        assertThat(Routing.holds(RM, List.of(report))).isFalse();
    }

    @Test
    void thePromotedWinnerIsTheTargetUntilANewerProductionVersionSupersedesIt() {
        var x = x("a", "2026-12-01T09:00:00Z", ExperimentPhase.Concluded, "recs-v1", "recs-v2");
        x.getSpec().onConclusion = ABExperimentSpec.OnConclusion.PROMOTE;
        x.getStatus().winner = "treatment";
        x.getStatus().decidedAt = "2026-12-02T09:00:00Z";
        Target production = new Target(1, "s3://m/recs");
        assertThat(Routing.target(RM, List.of(x), MVS, production)).isEqualTo(new Target(2, "s3://m/recs"));
        assertThat(Routing.target(RM, List.of(x), MVS, null)).isEqualTo(new Target(2, "s3://m/recs"));
        // Git promoted version 3 since: it wins over the experiment
        assertThat(Routing.target(RM, List.of(x), MVS, new Target(3, "s3://m/recs"))).isEqualTo(new Target(3, "s3://m/recs"));
        // keepControl and report never move the target
        x.getSpec().onConclusion = ABExperimentSpec.OnConclusion.KEEP_CONTROL;
        assertThat(Routing.target(RM, List.of(x), MVS, production)).isEqualTo(production);
    }
}
