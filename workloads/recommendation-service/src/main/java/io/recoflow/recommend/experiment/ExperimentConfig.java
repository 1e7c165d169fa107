package io.recoflow.recommend.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * The experiment file (YAML or JSON, usually a mounted ConfigMap key):
 *
 * <pre>
 * experiments:
 *   - name: ease-vs-als        # the first experiment routes models; later ones are ignored (logged)
 *     salt: "2026-11-a"        # change it to reshuffle users
 *     variants:
 *       - {name: control,   weight: 90, modelVersion: 1732512000}
 *       - {name: candidate, weight: 10, modelVersion: 1732598400}
 *       - {name: latest,    weight: 0}   # no modelVersion: the newest loaded version
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentConfig(List<Experiment> experiments) {
    public static final ExperimentConfig NONE = new ExperimentConfig(List.of());

    public ExperimentConfig {
        experiments = experiments == null ? List.of() : List.copyOf(experiments);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Experiment(String name, String salt, List<Variant> variants) {
        public Experiment {
            variants = variants == null ? List.of() : List.copyOf(variants);
        }

        public String effectiveSalt() {
            return salt == null || salt.isBlank() ? name : salt;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Variant(String name, double weight, Long modelVersion) {}

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
            if (x.name() == null || x.name().isBlank()) {
                errors.add(at + ".name is required");
            }
            if (x.variants().isEmpty()) {
                errors.add(at + ".variants must not be empty");
            }
            double total = 0;
            for (int v = 0; v < x.variants().size(); v++) {
                Variant y = x.variants().get(v);
                String vat = at + ".variants[" + v + "]";
                if (y == null || y.name() == null || y.name().isBlank()) {
                    errors.add(vat + ".name is required");
                    continue;
                }
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
}
