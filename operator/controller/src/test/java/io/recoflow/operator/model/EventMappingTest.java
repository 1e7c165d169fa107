package io.recoflow.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.status.ModelVersionStatus;
import io.recoflow.operator.api.status.VersionPhase;
import org.junit.jupiter.api.Test;

/**
 * Which ModelVersion updates wake its RecommendationModel: at 1,000 models each promotion cost ~17 version and
 * ~10 model reconciles per model because every status write woke the other side.
 */
class EventMappingTest {

    static ModelVersion mv(Stage stage, VersionPhase phase, String message) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName("recs-v2").withNamespace("ns").withGeneration(3L).build());
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = "recs";
        mv.getSpec().version = 2L;
        mv.getSpec().stage = stage;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = "file:///m";
        mv.setStatus(new ModelVersionStatus());
        mv.getStatus().phase = phase;
        mv.getStatus().message = message;
        mv.getStatus().resolvedUri = "file:///m";
        mv.getStatus().observedGeneration = 3L;
        return mv;
    }

    @Test
    void rolloutProgressOnAVersionDoesNotWakeItsModel() {
        ModelVersion a = mv(Stage.PRODUCTION, VersionPhase.RollingOut, "version 2 is rolling out at 10% of traffic");
        ModelVersion b = Serialization.clone(a);
        b.getStatus().message = "version 2 is rolling out at 50% of traffic";
        ModelVersion c = Serialization.clone(a);
        c.getStatus().phase = VersionPhase.Serving;
        assertThat(ModelObserver.targetKey(b)).isEqualTo(ModelObserver.targetKey(a));
        assertThat(ModelObserver.targetKey(c)).isEqualTo(ModelObserver.targetKey(a));
    }

    @Test
    void whatDecidesTheProductionTargetWakesItsModel() {
        ModelVersion a = mv(Stage.CANDIDATE, VersionPhase.Ready, "ready");
        ModelVersion promoted = mv(Stage.PRODUCTION, VersionPhase.Ready, "ready");
        ModelVersion failed = mv(Stage.CANDIDATE, VersionPhase.Failed, "bad");
        ModelVersion observed = Serialization.clone(a);
        observed.getStatus().observedGeneration = 2L;
        ModelVersion moved = Serialization.clone(a);
        moved.getStatus().resolvedUri = "s3://elsewhere";
        for (ModelVersion other : new ModelVersion[] {promoted, failed, observed, moved}) {
            assertThat(ModelObserver.targetKey(other)).isNotEqualTo(ModelObserver.targetKey(a));
        }
    }
}
