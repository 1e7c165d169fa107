package io.recoflow.recommend.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.recoflow.recommend.TestModels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TF Serving REST client against a stand-in that speaks TF Serving's predict API (columnar "inputs" ->
 * "outputs") and computes with the real SavedModel, so both paths must agree on every number.
 */
class TfServingModelTest {
    @TempDir
    Path dir;

    @Test
    void predictOverRestMatchesTheEmbeddedModel() throws Exception {
        Path v = TestModels.write(dir, 5, List.of("A", "B", "C", "D"), TestModels.chain(4), true);
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (EmbeddedModel embedded = new EmbeddedModel(v)) {
            server.createContext("/v1/models/recommender/versions/5:predict", ex -> {
                JsonNode req = json.readTree(ex.getRequestBody());
                JsonNode in = req.path("inputs");
                int[] h = new int[in.path("history").size()];
                for (int i = 0; i < h.length; i++) {
                    h[i] = in.path("history").get(i).asInt();
                }
                byte[] body;
                int status = 200;
                if (!"serving_default".equals(req.path("signature_name").asText())) {
                    status = 400;
                    body = "{\"error\":\"bad signature\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    Scores s = embedded.score(h, in.path("k").asInt());
                    body = json.writeValueAsBytes(java.util.Map.of("outputs",
                            java.util.Map.of("indices", s.indices(), "scores", s.scores())));
                }
                ex.sendResponseHeaders(status, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.createContext("/v1/models/recommender/versions/6:predict", ex -> {
                ex.sendResponseHeaders(500, -1);
                ex.close();
            });
            server.start();
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpClient client = HttpClient.newHttpClient();
            TfServingModel remote = new TfServingModel(client, base + "/", "recommender", 5, Duration.ofSeconds(2));
            for (int[] h : new int[][] {{0}, {1, 2}, {}}) {
                Scores r = remote.score(h, 3);
                Scores e = embedded.score(h, 3);
                assertThat(r.indices()).as(Arrays.toString(h)).containsExactly(e.indices());
                assertThat(r.scores()).containsExactly(e.scores());
            }
            TfServingModel broken = new TfServingModel(client, base, "recommender", 6, Duration.ofSeconds(2));
            assertThatThrownBy(() -> broken.score(new int[] {0}, 1)).isInstanceOf(IOException.class).hasMessageContaining("500");
        } finally {
            server.stop(0);
        }
    }
}
