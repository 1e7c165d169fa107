package io.recoflow.operator.experiment;

import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ABExperimentSpec.Variant;
import io.recoflow.operator.core.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The ABExperiment CRD's OpenAPI and CEL rules again, in Java (see {@link Validator}). */
public final class ExperimentValidator implements Validator<ABExperiment> {
    public static final ExperimentValidator INSTANCE = new ExperimentValidator();

    private ExperimentValidator() {}

    @Override
    public List<String> validate(ABExperiment x) {
        List<String> errors = new ArrayList<>();
        ABExperimentSpec spec = x.getSpec();
        if (spec == null) {
            errors.add("spec: required");
            return errors;
        }
        if (Validator.blank(spec.modelRef)) {
            errors.add("spec.modelRef: required");
        }
        // the data plane's label rule for an experiment name (impressions, Redis keys, metric labels)
        if (x.getMetadata() != null && x.getMetadata().getName() != null
                && x.key().length() > io.recoflow.common.EventValidator.MAX_LABEL_LENGTH) {
            errors.add("metadata.name: namespace/name must be at most " + io.recoflow.common.EventValidator.MAX_LABEL_LENGTH
                    + " characters (the experiment's name in impressions and metrics), is " + x.key().length());
        }
        if (spec.variants == null || spec.variants.size() < 2 || spec.variants.size() > 5) {
            errors.add("spec.variants: 2 to 5 variants");
            return errors;
        }
        int total = 0;
        int controls = 0;
        Set<String> names = new HashSet<>();
        Set<String> versions = new HashSet<>();
        for (int i = 0; i < spec.variants.size(); i++) {
            Variant v = spec.variants.get(i);
            String at = "spec.variants[" + i + "]";
            Validator.required(errors, at + ".name", v.name);
            Validator.required(errors, at + ".modelVersion", v.modelVersion);
            Validator.required(errors, at + ".weight", v.weight);
            Validator.range(errors, at + ".weight", v.weight, 0, 100);
            total += v.weight == null ? 0 : v.weight;
            controls += v.isControl() ? 1 : 0;
            if (v.name != null && !names.add(v.name)) {
                errors.add("spec: variant names must be unique");
            }
            if (v.modelVersion != null && !versions.add(v.modelVersion)) {
                errors.add("spec: each variant needs its own ModelVersion");
            }
        }
        if (total != 100) {
            errors.add("spec: variant weights must sum to 100 (they sum to " + total + ")");
        }
        if (controls != 1) {
            errors.add("spec: exactly one variant must be the control (" + controls + " are)");
        }
        var a = spec.analysis;
        if (a != null && a.minDurationSeconds != null && a.maxDurationSeconds != null
                && a.minDurationSeconds > a.maxDurationSeconds) {
            errors.add("spec.analysis: minDurationSeconds must be <= maxDurationSeconds");
        }
        return errors;
    }
}
