package io.recoflow.recommend.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recoflow.common.ModelArtifact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Scores through TensorFlow Serving's REST predict API: {@code POST /v1/models/NAME/versions/V:predict}, or
 * {@code .../labels/L:predict} for the version TF Serving's model config labels {@code stable} or {@code canary}.
 */
public final class TfServingModel implements ScoringModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI predict;
    private final Duration timeout;

    public TfServingModel(HttpClient client, String baseUrl, String name, long version, Duration timeout) {
        this(client, predictUri(baseUrl, name, "versions/" + version), timeout);
    }

    public TfServingModel(HttpClient client, URI predict, Duration timeout) {
        this.client = client;
        this.predict = predict;
        this.timeout = timeout;
    }

    /** @param selector {@code versions/V} or {@code labels/L} */
    public static URI predictUri(String baseUrl, String name, String selector) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return URI.create(base + "/v1/models/" + name + "/" + selector + ":predict");
    }

    public URI predict() {
        return predict;
    }

    /**
     * Not cached: what a label or version serves is TF Serving's to change (a reload, a label moved by hand), and its
     * per-call latency and error rate are what a canary analysis compares.
     */
    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public Scores score(int[] history, int k) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("signature_name", ModelArtifact.SIGNATURE);
        ObjectNode inputs = body.putObject("inputs");
        var h = inputs.putArray(ModelArtifact.INPUT_HISTORY);
        for (int i : history) {
            h.add(i);
        }
        inputs.put(ModelArtifact.INPUT_K, k);
        HttpRequest req = HttpRequest.newBuilder(predict)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() != 200) {
            throw new IOException("TF Serving answered " + resp.statusCode() + " for " + predict);
        }
        JsonNode out = JSON.readTree(resp.body()).path("outputs");
        JsonNode idx = out.path(ModelArtifact.OUTPUT_INDICES);
        JsonNode sc = out.path(ModelArtifact.OUTPUT_SCORES);
        if (!idx.isArray() || !sc.isArray()) {
            throw new IOException("TF Serving response lacks outputs." + ModelArtifact.OUTPUT_INDICES + "/" + ModelArtifact.OUTPUT_SCORES);
        }
        int[] indices = new int[idx.size()];
        float[] scores = new float[sc.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = idx.get(i).asInt();
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) sc.get(i).asDouble();
        }
        return new Scores(indices, scores);
    }

    @Override
    public void close() {
        // the HTTP client is shared by all versions; nothing is held per version
    }
}
