package io.recoflow.trainer.registry;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where trained versions are recorded and promoted. Versions are numbered 1, 2, 3... per model name (as in MLflow);
 * an alias ({@value #CHAMPION}, {@value #CHALLENGER}, ...) points at one version and moves when set again.
 * Two implementations with the same semantics: {@link LocalRegistry} (a JSON file per model) and
 * {@link MlflowRegistry} (the MLflow tracking server's model registry).
 */
public interface ModelRegistry {
    String CHAMPION = "champion";
    String CHALLENGER = "challenger";

    /** One registered version. {@code source} is the artifact's version directory (path or URI). */
    record Version(String model, String version, String source, String runId, Map<String, String> params,
            Map<String, Double> metrics, List<String> aliases) {}

    /** Records a new version of {@code model} whose artifact lives at {@code source}. */
    Version register(String model, String source, Map<String, String> params, Map<String, Double> metrics)
            throws IOException;

    /** Points {@code alias} at {@code version} (moving it from any other version). */
    void setAlias(String model, String alias, String version) throws IOException;

    Optional<Version> byAlias(String model, String alias) throws IOException;

    Optional<Version> version(String model, String version) throws IOException;

    /**
     * Opens {@code local:DIR} or {@code mlflow:URL} (e.g. {@code mlflow:http://mlflow.mlops:5000}).
     *
     * @throws IllegalArgumentException for any other form
     */
    static ModelRegistry open(String spec) {
        if (spec.startsWith("local:")) {
            return new LocalRegistry(java.nio.file.Path.of(spec.substring("local:".length())));
        }
        if (spec.startsWith("mlflow:")) {
            return new MlflowRegistry(spec.substring("mlflow:".length()));
        }
        throw new IllegalArgumentException("registry must be local:DIR or mlflow:URL, got '" + spec + "'");
    }
}
