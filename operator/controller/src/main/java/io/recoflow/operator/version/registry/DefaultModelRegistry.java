package io.recoflow.operator.version.registry;

import io.recoflow.common.ModelArtifact;
import io.recoflow.common.ModelMetadata;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves artifacts without any external service. file:// artifacts are checked against the SavedModel layout of
 * {@link ModelArtifact} ({@code BASE/VERSION/saved_model.pb} + {@code assets.extra/metadata.json}) and their
 * metrics are read from the metadata. s3:// and abfss:// are accepted as given (the model server reads them with
 * its own credentials; the operator holds none). MLflow sources need {@link MlflowModelRegistry}.
 */
public final class DefaultModelRegistry implements ModelRegistry {

    @Override
    public Resolution resolve(ModelVersionSpec spec) throws RegistryException {
        if (spec.artifact.mlflow != null) {
            throw new RegistryException("RegistryNotConfigured", "MLflow source '"
                    + spec.artifact.mlflow.registeredModel + "' needs an MLflow registry: set "
                    + "RECOFLOW_MLFLOW_TRACKING_URI on the operator, or use artifact.uri", false);
        }
        String uri = stripSlash(spec.artifact.uri);
        if (!uri.startsWith("file://")) {
            return new Resolution(uri, Map.of(), "remote artifact not inspected by the operator");
        }
        Path versionDir = Path.of(URI.create(uri)).resolve(String.valueOf(spec.version));
        if (!Files.isRegularFile(versionDir.resolve("saved_model.pb"))) {
            throw new RegistryException("ArtifactNotFound", "no SavedModel at " + versionDir, false);
        }
        if (!Files.isRegularFile(ModelArtifact.metadataPath(versionDir))) {
            throw new RegistryException("ArtifactInvalid", "missing " + ModelArtifact.METADATA_FILE + " in "
                    + versionDir, false);
        }
        try {
            ModelMetadata meta = ModelMetadata.read(versionDir);
            if (meta.version() != spec.version) {
                throw new RegistryException("ArtifactInvalid", "metadata.json says version " + meta.version()
                        + " but the ModelVersion says " + spec.version, false);
            }
            return new Resolution(uri, meta.metrics() == null ? Map.of() : Map.copyOf(meta.metrics()),
                    meta.modelType() + " model, metadata read from " + ModelArtifact.METADATA_FILE);
        } catch (IOException e) {
            throw new RegistryException("ArtifactInvalid", "unreadable metadata.json: " + e.getMessage(), false);
        }
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
