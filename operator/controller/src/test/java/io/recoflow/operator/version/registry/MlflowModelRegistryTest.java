package io.recoflow.operator.version.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.MlflowSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a small HTTP server answering the MLflow 2.x REST paths the registry calls. */
class MlflowModelRegistryTest {
    HttpServer mlflow;
    MlflowModelRegistry registry;
    final java.util.List<String> posts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        mlflow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, String> answers = Map.of(
                "/api/2.0/mlflow/model-versions/get?name=retail-recs&version=3",
                "{\"model_version\":{\"name\":\"retail-recs\",\"version\":\"3\",\"run_id\":\"r1\","
                        + "\"source\":\"s3://mlflow/7/r1/artifacts/savedmodel/\"}}",
                "/api/2.0/mlflow/registered-models/alias?name=retail-recs&alias=champion",
                "{\"model_version\":{\"name\":\"retail-recs\",\"version\":\"3\",\"run_id\":\"r1\","
                        + "\"source\":\"s3://mlflow/7/r1/artifacts/savedmodel\"}}",
                "/api/2.0/mlflow/runs/get?run_id=r1",
                "{\"run\":{\"data\":{\"metrics\":[{\"key\":\"ndcg_at_10\",\"value\":0.312},"
                        + "{\"key\":\"recall_at_20\",\"value\":0.41}]}}}");
        mlflow.createContext("/", ex -> {
            if ("POST".equals(ex.getRequestMethod())) {
                // MLflow 2.x SetRegisteredModelAlias: 200 with an empty object
                String in = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                posts.add(ex.getRequestURI() + " " + in);
                int code = in.contains("\"version\":\"99\"") ? 404 : 200;
                byte[] out = (code == 200 ? "{}" : "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\"}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(code, out.length);
                ex.getResponseBody().write(out);
                ex.close();
                return;
            }
            String body = answers.get(ex.getRequestURI().toString());
            int code = body == null ? 404 : 200;
            byte[] bytes = (body == null ? "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\"}" : body)
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        mlflow.start();
        registry = new MlflowModelRegistry(URI.create("http://127.0.0.1:" + mlflow.getAddress().getPort()),
                new DefaultModelRegistry());
    }

    @AfterEach
    void stop() {
        mlflow.stop(0);
    }

    static ModelVersionSpec spec(String version, String alias) {
        ModelVersionSpec s = new ModelVersionSpec();
        s.modelRef = "retail-recs";
        s.version = 3L;
        s.artifact = new ArtifactSource();
        s.artifact.mlflow = new MlflowSource();
        s.artifact.mlflow.registeredModel = "retail-recs";
        s.artifact.mlflow.version = version;
        s.artifact.mlflow.alias = alias;
        return s;
    }

    @Test
    void championAliasMovesToTheWinnersRegistryVersion() throws Exception {
        assertThat(registry.resolve(spec("3", null)).registryVersion()).isEqualTo("3");
        registry.setAlias(spec(null, "challenger"), "3", "champion");
        assertThat(posts).containsExactly("/api/2.0/mlflow/registered-models/alias "
                + "{\"name\":\"retail-recs\",\"alias\":\"champion\",\"version\":\"3\"}");
        assertThatThrownBy(() -> registry.setAlias(spec("99", null), "99", "champion"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.retryable()).isFalse());
        // a file:// version has no registry with aliases
        ModelVersionSpec file = spec(null, null);
        file.artifact.mlflow = null;
        file.artifact.uri = "file:///models/recs";
        assertThatThrownBy(() -> registry.setAlias(file, null, "champion")).isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.reason()).isEqualTo("RegistryNotConfigured"));
    }

    @Test
    void versionResolvesToItsSourceAndRunMetrics() throws Exception {
        Resolution r = registry.resolve(spec("3", null));
        assertThat(r.uri()).isEqualTo("s3://mlflow/7/r1/artifacts/savedmodel");
        assertThat(r.metrics()).containsEntry("ndcg_at_10", 0.312).containsEntry("recall_at_20", 0.41);
        assertThat(registry.resolve(spec(null, "champion")).uri()).isEqualTo("s3://mlflow/7/r1/artifacts/savedmodel");
    }

    @Test
    void unknownVersionIsPermanentAndAnUnreachableRegistryIsRetryable() {
        assertThatThrownBy(() -> registry.resolve(spec("9", null))).isInstanceOfSatisfying(RegistryException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo("ArtifactNotFound");
                    assertThat(e.retryable()).isFalse();
                });
        mlflow.stop(0);
        assertThatThrownBy(() -> registry.resolve(spec("3", null))).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void uriSourcesGoToTheFallback() throws Exception {
        ModelVersionSpec s = spec(null, null);
        s.artifact.mlflow = null;
        s.artifact.uri = "s3://models/recs";
        assertThat(registry.resolve(s).uri()).isEqualTo("s3://models/recs");
    }
}
