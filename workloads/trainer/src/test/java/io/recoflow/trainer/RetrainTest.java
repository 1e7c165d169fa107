package io.recoflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.recoflow.common.ModelMetadata;
import io.recoflow.trainer.registry.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training Job's command on the Online Retail sample, against a real LocalRegistry and an MLflow REST stub. */
class RetrainTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    int run(String... args) {
        return TrainerMain.execute(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
    }

    /** A retrain on the sample (default split: train before 2011-11-01, hold out 2011-11-01 .. 2011-12-09). */
    int retrain(String model, long version, String registry, String name, String minGain, Path result) {
        return run("retrain", "--data", TestData.sample().toString(), "--model", model, "--out",
                dir.resolve("models").toString(), "--version", Long.toString(version), "--registry", registry,
                "--name", name, "--champion-alias", "champion", "--challenger-alias", "challenger",
                "--min-ndcg-gain", minGain, "--result", result.toString());
    }

    JsonNode result(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        assertThat(b.length).isLessThan(Retrain.MAX_RESULT_BYTES);
        // the same document is the last line of stdout
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo(new String(b, StandardCharsets.UTF_8));
        return JSON.readTree(b);
    }

    @Test
    void firstRunRegistersThenAWorseModelFailsTheGateAndTheSameModelCannotPass() throws IOException {
        String reg = "local:" + dir.resolve("registry");
        LocalRegistry registry = new LocalRegistry(dir.resolve("registry"));
        Path r1 = dir.resolve("r1.json");
        assertThat(retrain("ease:lambda=100", 1, reg, "shop", "0.005", r1)).as(buf.toString()).isZero();
        JsonNode first = result(r1);
        assertThat(first.path("result").asText()).isEqualTo("registered");
        assertThat(first.path("version").asLong()).isEqualTo(1);
        assertThat(first.path("registryVersion").asText()).isEqualTo("1");
        assertThat(first.path("challenger").path("ndcg@10").asDouble()).isBetween(0.05, 1.0);
        assertThat(first.path("challenger").path("recall@20").asDouble()).isBetween(0.05, 1.0);
        assertThat(first.path("champion").isNull()).isTrue();
        assertThat(first.path("gain").isNull()).isTrue();
        assertThat(first.path("interval").isNull()).isTrue();
        assertThat(first.path("message").asText()).contains("no champion", "offline metrics alone");
        assertThat(registry.byAlias("shop", "challenger").orElseThrow().version()).isEqualTo("1");
        assertThat(registry.byAlias("shop", "champion")).isEmpty();

        // the registered artifact is the evaluated model: fitted before the held-out window, with its drift reference
        ModelMetadata meta = ModelMetadata.read(dir.resolve("models/1"));
        assertThat(meta.trainedUntil()).isBefore(Instant.parse("2011-11-01T00:00:00Z"));
        assertThat(meta.itemShares()).hasSizeLessThanOrEqualTo(ModelMetadata.SHARED_ITEMS + 1)
                .containsKey(ModelMetadata.OTHER_ITEMS);
        assertThat(meta.itemShares().values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, within(1e-9));
        assertThat(meta.metrics()).containsKeys("ndcg@10", "ndcg@10_new", "recall@20", "train_seconds");
        assertThat(registry.version("shop", "1").orElseThrow().source())
                .isEqualTo(dir.resolve("models/1").toAbsolutePath().toUri().toString());

        // the operator promotes it
        assertThat(run("alias", "--registry", reg, "--name", "shop", "--alias", "champion", "--version", "1")).isZero();

        // a worse model: the gate fails, nothing is written or registered, and the run still succeeded
        Path r2 = dir.resolve("r2.json");
        buf.reset();
        assertThat(retrain("popular", 2, reg, "shop", "0.005", r2)).as(buf.toString()).isZero();
        JsonNode second = result(r2);
        assertThat(second.path("result").asText()).isEqualTo("gateFailed");
        assertThat(second.path("registryVersion").isNull()).isTrue();
        double gain = second.path("gain").asDouble();
        assertThat(gain).isNegative();
        assertThat(second.path("interval").get(0).asDouble()).isLessThanOrEqualTo(gain);
        assertThat(second.path("interval").get(1).asDouble()).isBetween(gain, 0.0);
        assertThat(second.path("champion").path("ndcg@10").asDouble())
                .isCloseTo(first.path("challenger").path("ndcg@10").asDouble(), within(1e-4));
        assertThat(second.path("gain").asDouble()).isCloseTo(second.path("challenger").path("ndcg@10").asDouble()
                - second.path("champion").path("ndcg@10").asDouble(), within(1e-12));
        assertThat(second.path("message").asText()).contains("gate failed, nothing registered", "< 0.0050",
                "not above 0", "champion = shop version 1");
        assertThat(registry.versions("shop")).hasSize(1);
        assertThat(registry.byAlias("shop", "challenger").orElseThrow().version()).isEqualTo("1");
        assertThat(dir.resolve("models/2")).doesNotExist();

        // the champion's own spec again: scored through its SavedModel it ranks exactly as the Java fit, so the
        // interval is [0, 0] and the gate cannot pass even with a zero minimum gain
        Path r3 = dir.resolve("r3.json");
        buf.reset();
        assertThat(retrain("ease:lambda=100", 3, reg, "shop", "0", r3)).as(buf.toString()).isZero();
        JsonNode third = result(r3);
        assertThat(third.path("result").asText()).isEqualTo("gateFailed");
        assertThat(third.path("gain").asDouble()).isCloseTo(0, within(1e-6));
        assertThat(third.path("interval").get(0).asDouble()).isCloseTo(0, within(1e-6));
        assertThat(third.path("message").asText()).contains(">= 0.0000", "not above 0");
        assertThat(registry.versions("shop")).hasSize(1);
    }

    @Test
    void aBetterChallengerPassesAndAChampionThatSawTheWindowIsNamed() throws IOException {
        String reg = "local:" + dir.resolve("registry");
        // a champion from `train`: fitted on every row, the held-out window included
        assertThat(run("train", "--data", TestData.sample().toString(), "--model", "popular", "--out",
                dir.resolve("models").toString(), "--version", "1", "--registry", reg, "--name", "shop",
                "--alias", "champion")).as(buf.toString()).isZero();
        buf.reset();
        Path r = dir.resolve("r.json");
        assertThat(retrain("ease:lambda=100", 2, reg, "shop", "0.01", r)).as(buf.toString()).isZero();
        JsonNode res = result(r);
        assertThat(res.path("result").asText()).isEqualTo("registered");
        assertThat(res.path("registryVersion").asText()).isEqualTo("2");
        assertThat(res.path("gain").asDouble()).isGreaterThan(0.01);
        assertThat(res.path("interval").get(0).asDouble()).isPositive();
        assertThat(res.path("message").asText()).contains("registered shop version 2", "above 0",
                "inside the held-out window");
        LocalRegistry registry = new LocalRegistry(dir.resolve("registry"));
        assertThat(registry.byAlias("shop", "challenger").orElseThrow().version()).isEqualTo("2");
        assertThat(registry.byAlias("shop", "champion").orElseThrow().version()).isEqualTo("1");
    }

    @Test
    void aRetriedRunReusesItsVersionDirectoryAndAnotherModelThereIsAUsageError() throws IOException {
        Path r1 = dir.resolve("r1.json");
        assertThat(retrain("popular", 5, "local:" + dir.resolve("reg-a"), "shop", "0", r1)).isZero();
        // the same run again (as a Job retry would) into a registry that did not get it
        buf.reset();
        Path r2 = dir.resolve("r2.json");
        assertThat(retrain("popular", 5, "local:" + dir.resolve("reg-b"), "shop", "0", r2)).as(buf.toString()).isZero();
        assertThat(result(r2).path("result").asText()).isEqualTo("registered");
        assertThat(buf.toString()).contains("reusing");
        buf.reset();
        Path r3 = dir.resolve("r3.json");
        assertThat(retrain("repeat", 5, "local:" + dir.resolve("reg-c"), "shop", "0", r3)).isEqualTo(2);
        assertThat(result(r3).path("message").asText()).contains("versions are immutable");
    }

    @Test
    void anUnreachableRegistryIsAnErrorTheJobRetries() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path r = dir.resolve("r.json");
        assertThat(retrain("popular", 1, "mlflow:http://127.0.0.1:" + port, "shop", "0", r)).isEqualTo(1);
        JsonNode res = result(r);
        assertThat(res.path("result").asText()).isEqualTo("failed");
        assertThat(res.path("version").asLong()).isEqualTo(1);
        assertThat(res.path("registryVersion").isNull()).isTrue();
        assertThat(res.path("message").asText()).isNotBlank();
        assertThat(dir.resolve("models/1")).doesNotExist();
    }

    @Test
    void usageAndDataErrors() throws IOException {
        Path r = dir.resolve("r.json");
        // no --min-ndcg-gain: usage, and the result still says why
        assertThat(run("retrain", "--data", TestData.sample().toString(), "--model", "popular", "--out", "x",
                "--version", "1", "--registry", "local:" + dir, "--name", "shop", "--result", r.toString()))
                .isEqualTo(2);
        assertThat(result(r).path("message").asText()).contains("--min-ndcg-gain is required");
        buf.reset();
        assertThat(retrain("popular", 0, "local:" + dir, "shop", "0", r)).isEqualTo(2);
        buf.reset();
        assertThat(retrain("nope", 1, "local:" + dir, "shop", "0", r)).isEqualTo(2);
        // unreadable data is an error the Job retries (the volume may not be there yet)
        buf.reset();
        assertThat(run("retrain", "--data", "file://" + dir.resolve("missing.csv"), "--model", "popular", "--out",
                dir.resolve("models").toString(), "--version", "1", "--registry", "local:" + dir, "--name", "shop",
                "--min-ndcg-gain", "0", "--result", r.toString())).isEqualTo(1);
        assertThat(result(r).path("result").asText()).isEqualTo("failed");
        assertThat(result(r).path("message").asText()).contains("no such file");
        // generic data has no default split
        Path csv = dir.resolve("events.csv");
        Files.writeString(csv, "user,item,timestamp\nu1,a,1700000000\nu1,b,1700000100\nu2,a,1700000200\n");
        buf.reset();
        assertThat(run("retrain", "--data", csv.toString(), "--model", "popular", "--out",
                dir.resolve("models").toString(), "--version", "1", "--registry", "local:" + dir, "--name", "shop",
                "--min-ndcg-gain", "0", "--result", r.toString())).isEqualTo(2);
        assertThat(result(r).path("message").asText()).contains("--split is required");
    }

    @Test
    void theResultStaysUnderTheTerminationMessageLimit() throws IOException {
        String json = Retrain.json(new Retrain.Result("failed", 7L, null, Map.of("ndcg@10", 0.1), null, null, null,
                "é".repeat(10_000)));
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThan(Retrain.MAX_RESULT_BYTES);
        JsonNode r = JSON.readTree(json);
        assertThat(r.path("message").asText()).endsWith("...");
        assertThat(r.path("version").asLong()).isEqualTo(7);
        assertThat(r.path("champion").isNull()).isTrue();
        List<String> keys = new ArrayList<>();
        r.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("result", "version", "registryVersion", "challenger", "champion", "gain",
                "interval", "message");
    }

    /** The MLflow 2.x REST calls MlflowRegistry makes; the challenger alias move must be a recorded POST. */
    @Test
    void againstMlflowTheChallengerAliasMoveIsAPost() throws IOException {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> mlflow(ex, calls, bodies));
        server.start();
        try {
            Path r = dir.resolve("r.json");
            assertThat(retrain("popular", 4, "mlflow:http://127.0.0.1:" + server.getAddress().getPort(), "shop", "0",
                    r)).as(buf.toString()).isZero();
            JsonNode res = result(r);
            assertThat(res.path("result").asText()).isEqualTo("registered");
            assertThat(res.path("registryVersion").asText()).isEqualTo("3");
            // looked up first (no champion: 404), registered after the gate, then the alias moved
            assertThat(calls.get(0)).isEqualTo(
                    "GET /api/2.0/mlflow/registered-models/alias?name=shop&alias=champion");
            assertThat(calls).contains("POST /api/2.0/mlflow/model-versions/create");
            assertThat(calls.get(calls.size() - 1)).isEqualTo("POST /api/2.0/mlflow/registered-models/alias");
            assertThat(JSON.readTree(bodies.get(bodies.size() - 1)))
                    .isEqualTo(JSON.readTree("{\"name\":\"shop\",\"alias\":\"challenger\",\"version\":\"3\"}"));
            JsonNode version = JSON.readTree(bodies.get(calls.indexOf("POST /api/2.0/mlflow/model-versions/create")));
            assertThat(version.path("source").asText())
                    .isEqualTo(dir.resolve("models/4").toAbsolutePath().toUri().toString());
        } finally {
            server.stop(0);
        }
    }

    private static void mlflow(HttpExchange ex, List<String> calls, List<String> bodies) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String query = ex.getRequestURI().getRawQuery();
        calls.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + (query == null ? "" : "?" + query));
        bodies.add(body);
        int status = 200;
        String resp = switch (ex.getRequestURI().getPath().replace("/api/2.0/mlflow/", "")) {
            case "experiments/create" -> "{\"experiment_id\":\"7\"}";
            case "runs/create" -> "{\"run\":{\"info\":{\"run_id\":\"run-1\",\"run_uuid\":\"run-1\","
                    + "\"experiment_id\":\"7\",\"status\":\"RUNNING\"},\"data\":{}}}";
            case "registered-models/create" -> "{\"registered_model\":{\"name\":\"shop\"}}";
            case "model-versions/create" -> "{\"model_version\":{\"name\":\"shop\",\"version\":\"3\"}}";
            case "registered-models/alias" -> {
                if (ex.getRequestMethod().equals("GET")) {
                    status = 404;
                    yield "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no alias\"}";
                }
                yield "{}";
            }
            // experiments/search, registered-models/search: nothing yet; runs/log-*, set-tag, update
            default -> "{}";
        };
        byte[] out = resp.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }
}
