package io.recoflow.common.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recoflow.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The served versions and the canary split of one model server slot: the operator writes it into the slot's
 * ConfigMap as {@link Serving#SERVING_KEY}; the recommendation service reads it (and re-reads it when the mounted
 * file changes).
 *
 * @param model registered model name
 * @param runtime {@link Serving#RUNTIME_EMBEDDED} or {@link Serving#RUNTIME_TF_SERVING}
 * @param endpoint TF Serving REST base URL for clients of the tensorflow-serving runtime (null when embedded)
 * @param stable version that takes {@code 100 - canaryWeight} percent of users
 * @param canary version under canary, null when none
 * @param canaryWeight percent of users (0..100) sent to {@code canary}
 * @param versions every version the slot must have loaded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServingConfig(String model, String runtime, String endpoint, long stable, Long canary,
        int canaryWeight, List<Long> versions) {
    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ServingConfig {
        versions = versions == null ? List.of() : List.copyOf(versions);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ServingConfig parse(String json) throws IOException {
        ServingConfig c = JSON.readValue(json, ServingConfig.class);
        List<String> errors = c.validate();
        if (!errors.isEmpty()) {
            throw new IOException("invalid " + Serving.SERVING_KEY + ": " + String.join("; ", errors));
        }
        return c;
    }

    public static ServingConfig read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** Every problem at once, so a hand-edited file is fixed in one go. */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (model == null || model.isBlank()) {
            errors.add("model is required");
        }
        if (!Serving.RUNTIME_EMBEDDED.equals(runtime) && !Serving.RUNTIME_TF_SERVING.equals(runtime)) {
            errors.add("runtime must be " + Serving.RUNTIME_EMBEDDED + " or " + Serving.RUNTIME_TF_SERVING);
        }
        if (stable <= 0) {
            errors.add("stable must be a positive version");
        }
        if (canaryWeight < 0 || canaryWeight > 100) {
            errors.add("canaryWeight must be 0..100");
        }
        if (canaryWeight > 0 && canary == null) {
            errors.add("canaryWeight > 0 needs a canary version");
        }
        if (!versions.contains(stable)) {
            errors.add("versions must include stable " + stable);
        }
        if (canary != null && !versions.contains(canary)) {
            errors.add("versions must include canary " + canary);
        }
        return errors;
    }
}
