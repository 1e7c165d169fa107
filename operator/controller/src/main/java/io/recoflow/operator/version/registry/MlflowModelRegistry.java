package io.recoflow.operator.version.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.operator.api.spec.MlflowSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves {@code artifact.mlflow} through the MLflow REST API (2.x): the model version (by number, or by alias)
 * gives the artifact {@code source}, served as the model base path, and its run's metrics are copied to status.
 * Other sources go to the fallback registry. Registry outages are retryable; unknown models or versions are not.
 */
public final class MlflowModelRegistry implements ModelRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI tracking;
    private final ModelRegistry fallback;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public MlflowModelRegistry(URI tracking, ModelRegistry fallback) {
        this.tracking = tracking;
        this.fallback = fallback;
    }

    @Override
    public Resolution resolve(ModelVersionSpec spec) throws RegistryException {
        MlflowSource m = spec.artifact.mlflow;
        if (m == null) {
            return fallback.resolve(spec);
        }
        JsonNode version = m.alias != null
                ? get("registered-models/alias", "name", m.registeredModel, "alias", m.alias)
                : get("model-versions/get", "name", m.registeredModel, "version", m.version);
        JsonNode mv = version.path("model_version");
        String source = mv.path("source").asText("");
        if (source.isEmpty()) {
            throw new RegistryException("ArtifactNotFound", "MLflow model version has no artifact source", false);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        String runId = mv.path("run_id").asText("");
        if (!runId.isEmpty()) {
            for (JsonNode metric : get("runs/get", "run_id", runId).path("run").path("data").path("metrics")) {
                metrics.put(metric.path("key").asText(), metric.path("value").asDouble());
            }
        }
        return new Resolution(source.endsWith("/") ? source.substring(0, source.length() - 1) : source,
                Map.copyOf(metrics), "MLflow " + m.registeredModel + " version " + mv.path("version").asText(),
                mv.path("version").asText(null));
    }

    /** {@code POST registered-models/alias}: MLflow 2.x moves the alias to the version (one version per alias). */
    @Override
    public void setAlias(ModelVersionSpec spec, String registryVersion, String alias) throws RegistryException {
        MlflowSource m = spec.artifact.mlflow;
        if (m == null) {
            fallback.setAlias(spec, registryVersion, alias);
            return;
        }
        String body = JSON.createObjectNode().put("name", m.registeredModel).put("alias", alias)
                .put("version", registryVersion).toString();
        URI uri = tracking.resolve("/api/2.0/mlflow/registered-models/alias");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404 || r.statusCode() == 400) {
                throw new RegistryException("ArtifactNotFound", "MLflow alias " + alias + ": " + r.body(), false);
            }
            if (r.statusCode() != 200) {
                throw new RegistryException("RegistryUnavailable", "MLflow registered-models/alias answered "
                        + r.statusCode(), true);
            }
        } catch (IOException e) {
            throw new RegistryException("RegistryUnavailable", "MLflow at " + tracking + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("RegistryUnavailable", "interrupted", true);
        }
    }

    /** @param query name, value, name, value... (kept in order) */
    private JsonNode get(String path, String... query) throws RegistryException {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i + 1 < query.length; i += 2) {
            q.append(i == 0 ? "?" : "&").append(query[i]).append('=')
                    .append(URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8));
        }
        URI uri = tracking.resolve("/api/2.0/mlflow/" + path + q);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404 || r.statusCode() == 400) {
                throw new RegistryException("ArtifactNotFound", "MLflow " + path + ": " + r.body(), false);
            }
            if (r.statusCode() != 200) {
                throw new RegistryException("RegistryUnavailable", "MLflow " + path + " answered " + r.statusCode(),
                        true);
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new RegistryException("RegistryUnavailable", "MLflow at " + tracking + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("RegistryUnavailable", "interrupted", true);
        }
    }
}
