package io.recoflow.operator.pipeline;

import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineStatus;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import java.time.Instant;
import java.util.ArrayList;

/** The one place FeaturePipeline status is written. */
public final class PipelineStatus {
    public static final String TOPICS_READY = "TopicsReady";
    public static final String WORKERS_READY = "WorkersReady";
    public static final String FRESH = "Fresh";
    public static final Conditions CONDITIONS = Conditions.of(TOPICS_READY, WORKERS_READY, FRESH, Conditions.READY);

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String STALE = "Stale";
    public static final String DEGRADED = "Degraded";
    public static final String FAILED = "Failed";

    private PipelineStatus() {}

    public static FeaturePipelineStatus of(FeaturePipeline fp) {
        if (fp.getStatus() == null) {
            fp.setStatus(new FeaturePipelineStatus());
        }
        FeaturePipelineStatus s = fp.getStatus();
        if (s.conditions == null) {
            s.conditions = new ArrayList<>();
        }
        if (s.topics == null) {
            s.topics = new ArrayList<>();
        }
        s.observedGeneration = fp.getMetadata().getGeneration();
        return s;
    }

    /**
     * @param value null: Unknown
     * @return true when the condition's status or reason changed (a new message alone, such as an age that grew, is
     *     no transition: Events are written on transitions)
     */
    public static boolean set(FeaturePipeline fp, String type, Boolean value, Reason reason, String message,
            Instant now) {
        FeaturePipelineStatus s = of(fp);
        String before = Conditions.get(s.conditions, type).map(c -> c.getStatus() + "/" + c.getReason()).orElse(null);
        if (value == null) {
            CONDITIONS.unknown(s.conditions, type, reason, message, s.observedGeneration, now);
        } else {
            CONDITIONS.set(s.conditions, type, value, reason, message, s.observedGeneration, now);
        }
        String status = value == null ? "Unknown" : value ? "True" : "False";
        return !(status + "/" + reason.name()).equals(before);
    }

    /** The condition's status before this reconcile set it ("True", "False", "Unknown", or null: never set). */
    public static String status(FeaturePipeline fp, String type) {
        return fp.getStatus() == null ? null
                : Conditions.get(fp.getStatus().conditions, type).map(c -> c.getStatus()).orElse(null);
    }

    public static boolean isTrue(FeaturePipeline fp, String type) {
        return fp.getStatus() != null && Conditions.isTrue(fp.getStatus().conditions, type);
    }

    /**
     * Whether a pipeline's features are fresh for the generation it was last reconciled at (a RecommendationModel
     * waits on this before a rollout).
     */
    public static boolean fresh(FeaturePipeline fp) {
        return fp != null && fp.getStatus() != null && fp.getStatus().observedGeneration != null
                && fp.getStatus().observedGeneration.equals(fp.getMetadata().getGeneration())
                && isTrue(fp, FRESH);
    }
}
