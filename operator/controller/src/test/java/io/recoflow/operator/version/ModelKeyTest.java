package io.recoflow.operator.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.status.AnalysisStatus;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.RecommendationModelStatus;
import org.junit.jupiter.api.Test;

/** Which RecommendationModel updates wake its ModelVersions: only what their phase and message say. */
class ModelKeyTest {

    static RecommendationModel rm() {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName("recs").withNamespace("ns").build());
        rm.setStatus(new RecommendationModelStatus());
        rm.getStatus().phase = ModelPhase.RollingOut;
        rm.getStatus().servingVersion = 1L;
        rm.getStatus().candidateVersion = 2L;
        rm.getStatus().canaryWeight = 10;
        return rm;
    }

    @Test
    void bookkeepingOnTheModelDoesNotWakeItsVersions() {
        RecommendationModel a = rm();
        RecommendationModel b = Serialization.clone(a);
        b.getStatus().stepReadyAt = "2026-12-01T00:00:00Z";
        b.getStatus().analysis = new AnalysisStatus();
        b.getStatus().observedGeneration = 7L;
        assertThat(VersionStatus.modelKey(b)).isEqualTo(VersionStatus.modelKey(a));
    }

    @Test
    void aNewStepOrOutcomeWakesThem() {
        RecommendationModel a = rm();
        RecommendationModel step = Serialization.clone(a);
        step.getStatus().canaryWeight = 50;
        RecommendationModel promoted = Serialization.clone(a);
        promoted.getStatus().phase = ModelPhase.Serving;
        promoted.getStatus().servingVersion = 2L;
        promoted.getStatus().candidateVersion = null;
        RecommendationModel failed = Serialization.clone(a);
        failed.getStatus().lastFailedVersion = 2L;
        for (RecommendationModel other : new RecommendationModel[] {step, promoted, failed}) {
            assertThat(VersionStatus.modelKey(other)).isNotEqualTo(VersionStatus.modelKey(a));
        }
    }
}
