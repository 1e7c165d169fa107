package io.recoflow.operator.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a training run reports: the trainer's result JSON, which it writes to {@code /dev/termination-log} so that
 * Kubernetes puts it into the pod's {@code state.terminated.message} (at most 4 KiB), where the operator reads it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunResult(String result, Long version, String registryVersion, Map<String, Double> challenger,
        Map<String, Double> champion, Double gain, List<Double> interval, String message) {
    public static final String REGISTERED = "registered";
    public static final String GATE_FAILED = "gateFailed";
    public static final String FAILED = "failed";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunResult parse(String message) throws IOException {
        return JSON.readValue(message, RunResult.class);
    }
}
