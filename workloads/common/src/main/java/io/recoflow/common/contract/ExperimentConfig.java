package io.recoflow.common.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The experiment file ({@link Serving#EXPERIMENTS_KEY}, mounted at {@link Serving#EXPERIMENTS_MOUNT}): the operator
 * renders it as JSON ({@link #toJson()}); the recommendation service routes users by it and the feature worker
 * counts their outcomes by it, both reading it through {@link ExperimentFile} (YAML, so a hand-written file works):
 *
 * <pre>
 * experiments:
 *   - name: shop/ease-vs-als   # the first experiment routes models and is counted; later ones are ignored (logged)
 *     salt: "2026-11-a"        # change it to reshuffle users (default: the name)
 *     attributionWindowSeconds: 86400   # a purchase up to this long after an impression converts (default 86400)
 *     variants:
 *       - {name: control,   weight: 90, modelVersion: 1732512000}
 *       - {name: candidate, weight: 10, modelVersion: 1732598400}
 *       - {name: latest,    weight: 0}   # no modelVersion: the newest loaded version
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentConfig(List<Experiment> experiments) {
    public static final ExperimentConfig NONE = new ExperimentConfig(List.of());
    public static final long DEFAULT_ATTRIBUTION_WINDOW_SECONDS = 86_400;
    /**
     * What an experiment or variant name may be: both travel on every impression event ({@link EventValidator}'s
     * label rule) and name Redis keys and hash fields, where {@code :} separates the parts.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@/-]{1," + EventValidator.MAX_LABEL_LENGTH + "}");
    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ExperimentConfig {
        experiments = experiments == null ? List.of() : List.copyOf(experiments);
    }

    /** The experiment that routes and is counted, or null when there is none. */
    public Experiment first() {
        return experiments.isEmpty() ? null : experiments.get(0);
    }

    /**
     * @param name {@code <namespace>/<ABExperiment name>} when the operator renders it; the {@code experiment}
     *     label of impressions and metrics
     * @param salt hash salt of the split, null = {@code name}
     * @param attributionWindowSeconds how long after an impression a purchase still counts as a conversion
     * @param variants in order: the cumulative weights split the buckets in this order
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Experiment(String name, String salt, long attributionWindowSeconds, List<Variant> variants) {
        public Experiment {
            variants = variants == null ? List.of() : List.copyOf(variants);
        }

        /** From the file: an absent window is the default (a primitive would read it as 0). */
        @JsonCreator
        static Experiment read(@JsonProperty("name") String name, @JsonProperty("salt") String salt,
                @JsonProperty("attributionWindowSeconds") Long attributionWindowSeconds,
                @JsonProperty("variants") List<Variant> variants) {
            return new Experiment(name, salt,
                    attributionWindowSeconds == null ? DEFAULT_ATTRIBUTION_WINDOW_SECONDS : attributionWindowSeconds,
                    variants);
        }

        public String effectiveSalt() {
            return salt == null || salt.isBlank() ? name : salt;
        }
    }

    /**
     * @param weight relative share of users (weights need not sum to 100)
     * @param modelVersion version this variant's users are scored by; null = the newest loaded version
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Variant(String name, double weight, Long modelVersion) {}

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON only (what the operator writes); the workloads read the mounted file with {@link ExperimentFile}. */
    public static ExperimentConfig parse(String json) throws IOException {
        return checked(JSON.readValue(json, ExperimentConfig.class));
    }

    static ExperimentConfig checked(ExperimentConfig c) throws IOException {
        if (c == null) {
            return NONE;
        }
        List<String> errors = c.validate();
        if (!errors.isEmpty()) {
            throw new IOException("invalid " + Serving.EXPERIMENTS_KEY + ": " + String.join("; ", errors));
        }
        return c;
    }

    /** Every problem, so a bad ConfigMap is reported in one log line instead of one fix at a time. */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        for (int e = 0; e < experiments.size(); e++) {
            Experiment x = experiments.get(e);
            String at = "experiments[" + e + "]";
            if (x == null) {
                errors.add(at + " is empty");
                continue;
            }
            checkName(at + ".name", x.name(), errors);
            if (x.attributionWindowSeconds() <= 0) {
                errors.add(at + ".attributionWindowSeconds must be a positive number of seconds");
            }
            if (x.variants().isEmpty()) {
                errors.add(at + ".variants must not be empty");
            }
            double total = 0;
            List<String> names = new ArrayList<>();
            for (int v = 0; v < x.variants().size(); v++) {
                Variant y = x.variants().get(v);
                String vat = at + ".variants[" + v + "]";
                if (y == null || y.name() == null || y.name().isBlank()) {
                    errors.add(vat + ".name is required");
                    continue;
                }
                checkName(vat + ".name", y.name(), errors);
                if (names.contains(y.name())) {
                    errors.add(vat + ".name " + y.name() + " is used twice");
                }
                names.add(y.name());
                if (!(y.weight() >= 0) || Double.isInfinite(y.weight())) {
                    errors.add(vat + ".weight must be a finite number >= 0");
                } else {
                    total += y.weight();
                }
                if (y.modelVersion() != null && y.modelVersion() <= 0) {
                    errors.add(vat + ".modelVersion must be a positive integer");
                }
            }
            if (!x.variants().isEmpty() && total <= 0) {
                errors.add(at + " variant weights must sum to more than 0");
            }
        }
        return errors;
    }

    private static void checkName(String field, String value, List<String> errors) {
        if (value == null || value.isBlank()) {
            errors.add(field + " is required");
        } else if (!NAME.matcher(value).matches()) {
            errors.add(field + " must be 1.." + EventValidator.MAX_LABEL_LENGTH + " characters of [A-Za-z0-9._@/-]");
        }
    }
}
