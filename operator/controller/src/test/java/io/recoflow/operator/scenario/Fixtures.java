package io.recoflow.operator.scenario;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.recoflow.common.ModelMetadata;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.Autoscaling;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Slo;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Objects the scenarios create, and SavedModel-layout artifacts (metadata only; no model server runs here). */
final class Fixtures {
    private Fixtures() {}

    static RecommendationModel model(String name, Strategy strategy, int deadlineSeconds) {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName(name).build());
        RecommendationModelSpec s = new RecommendationModelSpec();
        s.model = name;
        s.autoscaling = new Autoscaling();
        s.autoscaling.minReplicas = 2;
        s.autoscaling.maxReplicas = 10;
        s.autoscaling.targetCPUUtilization = 70;
        s.autoscaling.targetRPS = 200;
        s.rollout = new Rollout();
        s.rollout.strategy = strategy;
        s.rollout.progressDeadlineSeconds = deadlineSeconds;
        if (strategy == Strategy.CANARY) {
            s.rollout.steps = List.of(new CanaryStep(10, 60), new CanaryStep(50, 60), new CanaryStep(100, 30));
        }
        s.slo = new Slo();
        s.slo.p95LatencyMs = 50;
        s.slo.maxErrorRate = 0.01;
        rm.setSpec(s);
        return rm;
    }

    static ModelVersion version(String model, long version, String uri, Stage stage) {
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(new ObjectMetaBuilder().withName(model + "-v" + version).build());
        ModelVersionSpec s = new ModelVersionSpec();
        s.modelRef = model;
        s.version = version;
        s.artifact = new ArtifactSource();
        s.artifact.uri = uri;
        s.stage = stage;
        mv.setSpec(s);
        return mv;
    }

    /** Writes BASE/VERSION/saved_model.pb + assets.extra/metadata.json and returns file://BASE. */
    static String artifact(Path base, long version, double ndcg) throws IOException {
        Path dir = base.resolve(String.valueOf(version));
        Files.createDirectories(dir);
        Files.write(dir.resolve("saved_model.pb"), new byte[] {0x08, 0x01});
        new ModelMetadata("ease", version, Map.of("lambda", 250.0), "0".repeat(64), List.of("85123A", "22423"),
                true, Map.of("ndcg@10", ndcg), Instant.parse("2026-11-25T06:00:00Z")).write(dir);
        return base.toUri().toString();
    }
}
