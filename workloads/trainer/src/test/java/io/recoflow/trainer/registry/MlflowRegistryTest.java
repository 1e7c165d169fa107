package io.recoflow.trainer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the MLflow registry against a JDK HttpServer that speaks the handful of MLflow REST calls it uses. */
class MlflowRegistryTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Call(String method, String path, String body) {}

    HttpServer server;
    final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> aliases = new LinkedHashMap<>();
    boolean modelExists;
    boolean experimentExists;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        calls.add(new Call(ex.getRequestMethod(), path + (query == null ? "" : "?" + query), body));
        String p = path.replace("/api/2.0/mlflow/", "");
        int status = 200;
        String resp = "{}";
        switch (p) {
            case "experiments/search" -> resp = experimentExists
                    ? "{\"experiments\":[{\"experiment_id\":\"7\",\"name\":\"recoflow/shop-als\"}]}" : "{}";
            case "experiments/create" -> {
                experimentExists = true;
                resp = "{\"experiment_id\":\"7\"}";
            }
            case "registered-models/search" -> resp = modelExists
                    ? "{\"registered_models\":[{\"name\":\"shop-als\"}]}" : "{}";
            case "runs/create" -> resp = "{\"run\":{\"info\":{\"run_id\":\"run-1\",\"run_uuid\":\"run-1\","
                    + "\"experiment_id\":\"7\",\"status\":\"RUNNING\"},\"data\":{}}}";
            case "registered-models/create" -> {
                if (modelExists) {
                    status = 400;
                    resp = "{\"error_code\":\"RESOURCE_ALREADY_EXISTS\",\"message\":\"exists\"}";
                } else {
                    modelExists = true;
                    resp = "{\"registered_model\":{\"name\":\"shop-als\"}}";
                }
            }
            case "model-versions/create" -> {
                JsonNode b = JSON.readTree(body);
                resp = "{\"model_version\":{\"name\":\"shop-als\",\"version\":\"3\",\"source\":"
                        + JSON.writeValueAsString(b.path("source").asText()) + ",\"run_id\":\"run-1\"}}";
            }
            case "registered-models/alias" -> {
                if (ex.getRequestMethod().equals("POST")) {
                    JsonNode b = JSON.readTree(body);
                    aliases.put(b.path("alias").asText(), b.path("version").asText());
                } else {
                    String alias = query.replaceAll(".*alias=([^&]*).*", "$1");
                    String v = aliases.get(alias);
                    if (v == null) {
                        status = 404;
                        resp = "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no alias\"}";
                    } else {
                        resp = "{\"model_version\":{\"name\":\"shop-als\",\"version\":\"" + v + "\",\"source\":"
                                + "\"s3://models/als/1\",\"run_id\":\"run-1\",\"aliases\":[\"" + alias + "\"],"
                                + "\"tags\":[{\"key\":\"metric.ndcg_at_10\",\"value\":\"0.25\"}]}}";
                    }
                }
            }
            default -> {
                // runs/log-parameter, runs/log-metric, runs/set-tag, runs/update
            }
        }
        byte[] out = resp.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void registersARunAModelVersionAndAliases() throws IOException {
        MlflowRegistry reg = new MlflowRegistry(url());
        ModelRegistry.Version v = reg.register("shop-als", "s3://models/als/1", Map.of("factors", "64"),
                Map.of("ndcg@10", 0.25));
        assertThat(v.version()).isEqualTo("3");
        assertThat(v.runId()).isEqualTo("run-1");
        reg.setAlias("shop-als", ModelRegistry.CHALLENGER, "3");

        List<String> paths = calls.stream().map(c -> c.method() + " " + c.path()).toList();
        assertThat(paths).containsExactly(
                "POST /api/2.0/mlflow/experiments/search",
                "POST /api/2.0/mlflow/experiments/create",
                "POST /api/2.0/mlflow/runs/create",
                "POST /api/2.0/mlflow/runs/log-parameter",
                "POST /api/2.0/mlflow/runs/log-metric",
                "POST /api/2.0/mlflow/runs/set-tag",
                "POST /api/2.0/mlflow/runs/update",
                "GET /api/2.0/mlflow/registered-models/search?filter=name+%3D+%27shop-als%27",
                "POST /api/2.0/mlflow/registered-models/create",
                "POST /api/2.0/mlflow/model-versions/create",
                "POST /api/2.0/mlflow/registered-models/alias");
        assertThat(json(0)).isEqualTo(JSON.readTree("{\"filter\":\"name = 'recoflow/shop-als'\",\"max_results\":1}"));
        assertThat(json(1)).isEqualTo(JSON.readTree("{\"name\":\"recoflow/shop-als\"}"));
        assertThat(json(2).path("experiment_id").asText()).isEqualTo("7");
        assertThat(json(3)).isEqualTo(JSON.readTree("{\"run_id\":\"run-1\",\"run_uuid\":\"run-1\","
                + "\"key\":\"factors\",\"value\":\"64\"}"));
        assertThat(json(4).path("key").asText()).isEqualTo("ndcg_at_10");
        assertThat(json(4).path("value").asDouble()).isEqualTo(0.25);
        assertThat(json(5).path("key").asText()).isEqualTo("recoflow.artifact_uri");
        assertThat(json(5).path("value").asText()).isEqualTo("s3://models/als/1");
        assertThat(json(6).path("status").asText()).isEqualTo("FINISHED");
        assertThat(json(8)).isEqualTo(JSON.readTree("{\"name\":\"shop-als\"}"));
        assertThat(json(9)).isEqualTo(JSON.readTree("{\"name\":\"shop-als\",\"source\":\"s3://models/als/1\","
                + "\"run_id\":\"run-1\",\"tags\":[{\"key\":\"metric.ndcg_at_10\",\"value\":\"0.25\"}]}"));
        assertThat(json(10)).isEqualTo(JSON.readTree("{\"name\":\"shop-als\",\"alias\":\"challenger\","
                + "\"version\":\"3\"}"));

        assertThat(reg.byAlias("shop-als", "challenger")).get().satisfies(mv -> {
            assertThat(mv.version()).isEqualTo("3");
            assertThat(mv.aliases()).containsExactly("challenger");
            assertThat(mv.metrics()).containsEntry("ndcg_at_10", 0.25);
        });
        assertThat(calls.get(calls.size() - 1).path())
                .isEqualTo("/api/2.0/mlflow/registered-models/alias?name=shop-als&alias=challenger");
        assertThat(reg.byAlias("shop-als", "champion")).isEmpty();
    }

    @Test
    void aSecondVersionReusesTheRegisteredModel() throws IOException {
        MlflowRegistry reg = new MlflowRegistry(url());
        reg.register("shop-als", "s3://models/als/1", Map.of(), Map.of());
        reg.register("shop-als", "s3://models/als/2", Map.of(), Map.of());
        assertThat(calls.stream().filter(c -> c.path().endsWith("model-versions/create")).count()).isEqualTo(2);
        // the experiment and the registered model are created once, then found by search
        assertThat(calls.stream().filter(c -> c.path().endsWith("registered-models/create")).count()).isEqualTo(1);
        assertThat(calls.stream().filter(c -> c.path().endsWith("experiments/create")).count()).isEqualTo(1);
        assertThat(calls.stream().filter(c -> c.path().endsWith("runs/create")).map(Call::body)
                .allMatch(b -> b.contains("\"7\""))).isTrue();
    }

    private JsonNode json(int call) throws IOException {
        return JSON.readTree(calls.get(call).body());
    }
}
