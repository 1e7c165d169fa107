package io.recoflow.operator.model;

import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Autoscaling;
import io.recoflow.operator.api.spec.CanaryStep;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.operator.api.spec.Slo;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.core.Validator;
import io.recoflow.operator.placement.PlacementValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** RecommendationModel spec rules (see {@link Validator}). */
public final class ModelValidator implements Validator<RecommendationModel> {
    public static final ModelValidator INSTANCE = new ModelValidator();
    static final Pattern MODEL_NAME = Pattern.compile("^[a-z0-9]([a-z0-9_.-]{0,126}[a-z0-9])?$");
    static final Pattern METRIC = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*$");

    private ModelValidator() {}

    @Override
    public List<String> validate(RecommendationModel rm) {
        List<String> errors = new ArrayList<>();
        RecommendationModelSpec s = rm.getSpec();
        if (s == null) {
            errors.add("spec: required");
            return errors;
        }
        if (s.model == null) {
            errors.add("spec.model: required");
        } else if (!MODEL_NAME.matcher(s.model).matches()) {
            errors.add("spec.model: must match " + MODEL_NAME.pattern());
        }
        if (s.image != null && s.image.isEmpty()) {
            errors.add("spec.image: must not be empty");
        } else if (s.runtime == Runtime.EMBEDDED && blank(s.image)) {
            errors.add("spec.image: required when runtime is embedded");
        }
        range(errors, "spec.replicas", s.replicas, 0, 1000);
        if (s.replicas != null && s.autoscaling != null) {
            errors.add("spec: set either replicas or autoscaling, not both");
        }
        autoscaling(errors, s.autoscaling);
        rollout(errors, s.rollout);
        slo(errors, s.slo);
        PlacementValidator.check(errors, s.placement);
        return errors;
    }

    private static void autoscaling(List<String> errors, Autoscaling a) {
        if (a == null) {
            return;
        }
        required(errors, "spec.autoscaling.minReplicas", a.minReplicas);
        required(errors, "spec.autoscaling.maxReplicas", a.maxReplicas);
        range(errors, "spec.autoscaling.minReplicas", a.minReplicas, 1, 1000);
        range(errors, "spec.autoscaling.maxReplicas", a.maxReplicas, 1, 1000);
        if (a.minReplicas != null && a.maxReplicas != null && a.minReplicas > a.maxReplicas) {
            errors.add("spec.autoscaling: minReplicas must be <= maxReplicas");
        }
        range(errors, "spec.autoscaling.targetCPUUtilization", a.targetCPUUtilization, 1, 100);
        range(errors, "spec.autoscaling.targetRPS", a.targetRPS, 1, Integer.MAX_VALUE);
        if (a.targetCPUUtilization == null && a.targetRPS == null) {
            errors.add("spec.autoscaling: set targetCPUUtilization and/or targetRPS");
        }
        if (a.rpsMetric != null && !METRIC.matcher(a.rpsMetric).matches()) {
            errors.add("spec.autoscaling.rpsMetric: not a metric name");
        }
    }

    private static void rollout(List<String> errors, Rollout r) {
        if (r == null) {
            return;
        }
        Strategy strategy = r.strategy == null ? Strategy.CANARY : r.strategy;
        boolean noSteps = r.steps == null || r.steps.isEmpty();
        if (strategy == Strategy.CANARY && noSteps) {
            errors.add("spec.rollout.steps: canary needs at least one step");
        }
        if (strategy == Strategy.BLUE_GREEN && !noSteps) {
            errors.add("spec.rollout.steps: blue-green takes no steps");
        }
        range(errors, "spec.rollout.progressDeadlineSeconds", r.progressDeadlineSeconds, 10, 86400);
        if (noSteps) {
            return;
        }
        if (r.steps.size() > 20) {
            errors.add("spec.rollout.steps: at most 20 steps");
        }
        Integer previous = null;
        for (int i = 0; i < r.steps.size(); i++) {
            CanaryStep step = r.steps.get(i);
            String path = "spec.rollout.steps[" + i + "]";
            if (step == null || step.weight == null) {
                errors.add(path + ".weight: required");
                continue;
            }
            range(errors, path + ".weight", step.weight, 0, 100);
            range(errors, path + ".pauseSeconds", step.pauseSeconds, 0, 86400);
            if (previous != null && step.weight <= previous) {
                errors.add("spec.rollout.steps: canary step weights must be strictly increasing");
            }
            previous = step.weight;
        }
    }

    private static void slo(List<String> errors, Slo slo) {
        if (slo == null) {
            return;
        }
        range(errors, "spec.slo.p95LatencyMs", slo.p95LatencyMs, 1, 60000);
        if (slo.maxErrorRate != null && (slo.maxErrorRate < 0 || slo.maxErrorRate > 1 || slo.maxErrorRate.isNaN())) {
            errors.add("spec.slo.maxErrorRate: must be within 0..1");
        }
        // the rollout reads the window as a duration (the SLO watch), so a bad one must not get past here
        if (slo.window != null && (!slo.window.matches("[0-9]{1,9}[smh]") || slo.window.matches("0+[smh]"))) {
            errors.add("spec.slo.window: a positive number with s, m or h, e.g. 1m");
        }
    }

    private static void required(List<String> errors, String path, Object value) {
        Validator.required(errors, path, value);
    }

    private static void range(List<String> errors, String path, Integer value, int min, int max) {
        Validator.range(errors, path, value, min, max);
    }

    private static boolean blank(String s) {
        return Validator.blank(s);
    }
}
