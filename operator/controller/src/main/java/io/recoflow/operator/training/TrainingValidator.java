package io.recoflow.operator.training;

import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.core.Validator;
import java.util.ArrayList;
import java.util.List;

/** The TrainingSchedule CRD's rules again in Java (see {@link Validator}), plus what a schema cannot see: the cron. */
public final class TrainingValidator implements Validator<TrainingSchedule> {
    public static final TrainingValidator INSTANCE = new TrainingValidator();

    private TrainingValidator() {}

    @Override
    public List<String> validate(TrainingSchedule ts) {
        List<String> errors = new ArrayList<>();
        TrainingScheduleSpec s = ts.getSpec();
        if (s == null) {
            errors.add("spec: required");
            return errors;
        }
        Validator.required(errors, "spec.modelRef", s.modelRef);
        Validator.required(errors, "spec.registry", s.registry);
        if (s.schedule == null && s.triggers == null) {
            errors.add("spec: set a schedule and/or triggers: nothing would ever start a run");
        }
        if (s.onSuccess == TrainingScheduleSpec.OnSuccess.EXPERIMENT && s.experiment == null) {
            errors.add("spec: onSuccess experiment needs spec.experiment");
        }
        var a = s.experiment == null ? null : s.experiment.analysis;
        if (a != null && a.minDurationSeconds != null && a.maxDurationSeconds != null
                && a.minDurationSeconds > a.maxDurationSeconds) {
            errors.add("spec.experiment.analysis: minDurationSeconds must be <= maxDurationSeconds");
        }
        if (s.trainer == null) {
            errors.add("spec.trainer: required");
        } else if (s.trainer.engine == TrainingScheduleSpec.Engine.SPARK && s.trainer.spark == null) {
            errors.add("spec.trainer: engine spark needs trainer.spark");
        }
        if (s.schedule != null) {
            try {
                Cron.parse(s.schedule);
            } catch (IllegalArgumentException e) {
                errors.add("spec.schedule: not a cron schedule: " + e.getMessage());
            }
        }
        return errors;
    }
}
