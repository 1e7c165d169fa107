package io.recoflow.operator.version.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.common.ModelMetadata;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.MlflowSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelRegistryTest {
    final DefaultModelRegistry registry = new DefaultModelRegistry();

    @TempDir
    Path base;

    static ModelVersionSpec spec(String uri, long version) {
        ModelVersionSpec s = new ModelVersionSpec();
        s.modelRef = "retail-recs";
        s.version = version;
        s.artifact = new ArtifactSource();
        s.artifact.uri = uri;
        return s;
    }

    @Test
    void fileArtifactYieldsMetricsFromMetadataJson() throws Exception {
        Path v = base.resolve("7");
        Files.createDirectories(v);
        Files.write(v.resolve("saved_model.pb"), new byte[] {1});
        new ModelMetadata("ease", 7, Map.of(), "x", List.of("a"), true, Map.of("ndcg@10", 0.4, "recall@20", 0.5),
                Instant.EPOCH).write(v);
        Resolution r = registry.resolve(spec(base.toUri().toString(), 7));
        assertThat(r.uri()).isEqualTo(base.toUri().toString().replaceAll("/$", ""));
        assertThat(r.metrics()).containsEntry("ndcg@10", 0.4).containsEntry("recall@20", 0.5);
    }

    @Test
    void missingSavedModelOrMismatchedVersionIsAPermanentError() throws Exception {
        assertThatThrownBy(() -> registry.resolve(spec(base.toUri().toString(), 3)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.reason()).isEqualTo("ArtifactNotFound");
                    assertThat(e.retryable()).isFalse();
                });
        Path v = base.resolve("3");
        Files.createDirectories(v);
        Files.write(v.resolve("saved_model.pb"), new byte[] {1});
        new ModelMetadata("ease", 4, Map.of(), "x", List.of(), true, Map.of(), Instant.EPOCH).write(v);
        assertThatThrownBy(() -> registry.resolve(spec(base.toUri().toString(), 3)))
                .hasMessageContaining("metadata.json says version 4");
    }

    @Test
    void remoteArtifactsAreTakenAsGivenAndMlflowNeedsARegistry() throws Exception {
        assertThat(registry.resolve(spec("s3://models/recs/", 2)).uri()).isEqualTo("s3://models/recs");
        ModelVersionSpec mlflow = spec(null, 2);
        mlflow.artifact.mlflow = new MlflowSource();
        mlflow.artifact.mlflow.registeredModel = "recs";
        mlflow.artifact.mlflow.alias = "champion";
        assertThatThrownBy(() -> registry.resolve(mlflow)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo("RegistryNotConfigured"));
    }
}
