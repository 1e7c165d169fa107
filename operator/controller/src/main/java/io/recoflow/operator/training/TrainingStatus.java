package io.recoflow.operator.training;

import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleStatus;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import java.time.Instant;
import java.util.ArrayList;

/** The one place TrainingSchedule status is written. */
public final class TrainingStatus {
    public static final String RUNNING = "Running";
    public static final String REGISTERED = "Registered";
    public static final String GATE_FAILED = "GateFailed";
    public static final String FAILED = "Failed";
    /** Ready: spec and references are fine; Progressing: a run is active. */
    public static final Conditions CONDITIONS = Conditions.of(Conditions.READY, Conditions.PROGRESSING);

    private TrainingStatus() {}

    public static TrainingScheduleStatus of(TrainingSchedule ts) {
        if (ts.getStatus() == null) {
            ts.setStatus(new TrainingScheduleStatus());
        }
        if (ts.getStatus().conditions == null) {
            ts.getStatus().conditions = new ArrayList<>();
        }
        return ts.getStatus();
    }

    public static boolean ready(TrainingSchedule ts, boolean ready, Reason reason, String message, Instant now) {
        TrainingScheduleStatus s = of(ts);
        s.observedGeneration = ts.getMetadata().getGeneration();
        return CONDITIONS.set(s.conditions, Conditions.READY, ready, reason, message, s.observedGeneration, now);
    }

    public static void progressing(TrainingSchedule ts, boolean active, Reason reason, String message, Instant now) {
        CONDITIONS.set(of(ts).conditions, Conditions.PROGRESSING, active, reason, message,
                ts.getMetadata().getGeneration(), now);
    }

    public static TrainingScheduleStatus.Run started(TrainingSchedule ts, String job, long version, String trigger,
            Instant now) {
        TrainingScheduleStatus.Run r = new TrainingScheduleStatus.Run();
        r.job = job;
        r.version = version;
        r.trigger = trigger;
        r.startTime = now.toString();
        r.result = RUNNING;
        of(ts).lastRun = r;
        of(ts).lastTrigger = trigger;
        return r;
    }

    /** Records a finished run from the trainer's result (null: the Job failed without one). */
    public static void finished(TrainingSchedule ts, TrainingScheduleStatus.Run run, RunResult result,
            String failure, Instant end) {
        TrainingScheduleStatus s = of(ts);
        run.completionTime = end.toString();
        if (result == null || RunResult.FAILED.equals(result.result())) {
            run.result = FAILED;
            run.message = result != null && result.message() != null ? result.message() : failure;
        } else if (RunResult.REGISTERED.equals(result.result())) {
            run.result = REGISTERED;
            run.message = result.message();
            run.gain = result.gain();
            s.lastSuccess = run;
            s.challengerVersion = result.version() != null ? result.version() : run.version;
        } else {
            run.result = GATE_FAILED;
            run.message = result.message();
            run.gain = result.gain();
        }
        if (result != null) {
            s.challengerMetrics = result.challenger();
            s.championMetrics = result.champion();
        }
        s.lastRun = run;
    }
}
