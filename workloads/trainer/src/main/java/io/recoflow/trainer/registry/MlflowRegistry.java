package io.recoflow.trainer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recoflow.common.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The MLflow model registry (REST API 2.0). A registration logs a tracking run (params, metrics, the artifact URI as
 * tag {@value #ARTIFACT_TAG}) in experiment {@code recoflow/<model>}, creates the registered model if needed, then a
 * model version whose source is the artifact and whose run is that run. mlflow-client 2.17 has no registry write
 * methods, so writes go through its {@code sendPost} (which adds {@code /api/2.0/mlflow/}).
 *
 * <p>MLflow metric keys cannot contain {@code @}: {@code ndcg@10} is logged as {@code ndcg_at_10}.
 */
public final class MlflowRegistry implements ModelRegistry {
    static final String ARTIFACT_TAG = "recoflow.artifact_uri";
    private static final ObjectMapper JSON = Json.mapper();

    private final MlflowClient client;

    public MlflowRegistry(String trackingUri) {
        this.client = new MlflowClient(trackingUri);
    }

    @Override
    public Version register(String model, String source, Map<String, String> params, Map<String, Double> metrics)
            throws IOException {
        String experiment = "recoflow/" + model;
        // Look-ups use search (always 200): mlflow-client 2.17 re-sends any request that fails with a non-429
        // status up to 3 times, so "get, then create on 404" would triple every first registration.
        ObjectNode search = JSON.createObjectNode().put("filter", "name = '" + experiment.replace("'", "\\'") + "'")
                .put("max_results", 1);
        JsonNode found = JSON.readTree(client.sendPost("experiments/search", search.toString())).path("experiments");
        String experimentId = found.size() > 0 ? found.get(0).path("experiment_id").asText()
                : client.createExperiment(experiment);
        RunInfo run = client.createRun(experimentId);
        String runId = run.getRunId();
        params.forEach((k, v) -> client.logParam(runId, k, v));
        metrics.forEach((k, v) -> client.logMetric(runId, metricKey(k), v));
        client.setTag(runId, ARTIFACT_TAG, source);
        client.setTerminated(runId);

        JsonNode models = JSON.readTree(client.sendGet("registered-models/search?filter="
                + enc("name = '" + model.replace("'", "\\'") + "'"))).path("registered_models");
        if (models.size() == 0) {
            client.sendPost("registered-models/create", JSON.createObjectNode().put("name", model).toString());
        }
        ObjectNode body = JSON.createObjectNode().put("name", model).put("source", source).put("run_id", runId);
        ArrayNode tags = body.putArray("tags");
        metrics.forEach((k, v) -> tags.addObject().put("key", "metric." + metricKey(k)).put("value", v.toString()));
        JsonNode created = JSON.readTree(client.sendPost("model-versions/create", body.toString()));
        String version = created.path("model_version").path("version").asText();
        if (version.isEmpty()) {
            throw new IOException("MLflow returned no version: " + created);
        }
        return new Version(model, version, source, runId, Map.copyOf(params), Map.copyOf(metrics), List.of());
    }

    @Override
    public void setAlias(String model, String alias, String version) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("name", model).put("alias", alias).put("version", version);
        client.sendPost("registered-models/alias", body.toString());
    }

    @Override
    public Optional<Version> byAlias(String model, String alias) throws IOException {
        try {
            JsonNode mv = JSON.readTree(client.sendGet("registered-models/alias?name=" + enc(model) + "&alias="
                    + enc(alias))).path("model_version");
            return Optional.of(fromJson(mv));
        } catch (MlflowHttpException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<Version> version(String model, String version) throws IOException {
        try {
            ModelVersion mv = client.getModelVersion(model, version);
            Map<String, Double> metrics = new LinkedHashMap<>();
            mv.getTagsList().forEach(t -> {
                if (t.getKey().startsWith("metric.")) {
                    metrics.put(t.getKey().substring("metric.".length()), Double.parseDouble(t.getValue()));
                }
            });
            return Optional.of(new Version(model, mv.getVersion(), mv.getSource(), mv.getRunId(), Map.of(), metrics,
                    List.copyOf(mv.getAliasesList())));
        } catch (MlflowHttpException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Version fromJson(JsonNode mv) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (JsonNode t : mv.path("tags")) {
            String k = t.path("key").asText();
            if (k.startsWith("metric.")) {
                metrics.put(k.substring("metric.".length()), t.path("value").asDouble());
            }
        }
        List<String> aliases = new ArrayList<>();
        mv.path("aliases").forEach(a -> aliases.add(a.asText()));
        return new Version(mv.path("name").asText(), mv.path("version").asText(), mv.path("source").asText(),
                mv.path("run_id").asText(), Map.of(), metrics, aliases);
    }

    static String metricKey(String k) {
        return k.replace("@", "_at_");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
