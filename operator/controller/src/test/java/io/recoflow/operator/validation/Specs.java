package io.recoflow.operator.validation;

import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.model.ModelValidator;
import io.recoflow.operator.placement.ClusterTargetReconciler;
import io.recoflow.operator.version.VersionValidator;
import java.util.List;

/** The operator's validator of each kind, by overload, for tests that check both. */
final class Specs {
    private Specs() {}

    static List<String> validate(RecommendationModel rm) {
        return ModelValidator.INSTANCE.validate(rm);
    }

    static List<String> validate(ModelVersion mv) {
        return VersionValidator.INSTANCE.validate(mv);
    }

    static List<String> validate(io.recoflow.operator.api.experiment.ABExperiment x) {
        return io.recoflow.operator.experiment.ExperimentValidator.INSTANCE.validate(x);
    }

    static List<String> validate(io.recoflow.operator.api.budget.CloudCostBudget b) {
        return io.recoflow.operator.budget.BudgetValidator.INSTANCE.validate(b);
    }

    static List<String> validate(io.recoflow.operator.api.training.TrainingSchedule ts) {
        return io.recoflow.operator.training.TrainingValidator.INSTANCE.validate(ts);
    }

    static List<String> validate(io.recoflow.operator.api.pipeline.FeaturePipeline fp) {
        return io.recoflow.operator.pipeline.PipelineValidator.INSTANCE.validate(fp);
    }

    static List<String> validate(ClusterTarget ct) {
        return ClusterTargetReconciler.VALIDATOR.validate(ct);
    }
}
