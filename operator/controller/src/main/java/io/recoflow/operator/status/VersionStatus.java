package io.recoflow.operator.status;

import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.ModelVersionStatus;
import io.recoflow.operator.api.status.RecommendationModelStatus;
import io.recoflow.operator.api.status.VersionPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;

/**
 * The one place ModelVersion status is written. A version's phase follows from its own checks and from what its
 * RecommendationModel reports, so the RecommendationModel controller stays the only writer of rollout state.
 */
public final class VersionStatus {
    private VersionStatus() {}

    public static ModelVersionStatus of(ModelVersion mv) {
        if (mv.getStatus() == null) {
            mv.setStatus(new ModelVersionStatus());
        }
        if (mv.getStatus().conditions == null) {
            mv.getStatus().conditions = new ArrayList<>();
        }
        return mv.getStatus();
    }

    /** @return the previous phase */
    public static VersionPhase failed(ModelVersion mv, String reason, String message, Instant now) {
        return set(mv, VersionPhase.Failed, false, reason, message, now);
    }

    public static VersionPhase validating(ModelVersion mv, String reason, String message, Instant now) {
        return set(mv, VersionPhase.Validating, false, reason, message, now);
    }

    public static VersionPhase resolved(ModelVersion mv, String uri, Map<String, Double> metrics, String note,
            RecommendationModel rm, Instant now) {
        ModelVersionStatus s = of(mv);
        s.resolvedUri = uri;
        s.metrics = metrics == null || metrics.isEmpty() ? null : metrics;
        VersionPhase phase = phase(mv, rm);
        String message = switch (phase) {
            case Pending -> "RecommendationModel " + mv.getSpec().modelRef + " not found";
            case Serving -> "serving";
            case RollingOut -> rolloutMessage(rm.getStatus());
            case RolledBack -> "rollout failed and was rolled back; change stage to retry";
            case Archived -> "archived";
            default -> note;
        };
        String reason = phase == VersionPhase.Pending ? "ModelNotFound" : "ArtifactResolved";
        return set(mv, phase, true, reason, message, now);
    }

    static VersionPhase phase(ModelVersion mv, RecommendationModel rm) {
        if (rm == null) {
            return VersionPhase.Pending;
        }
        long v = mv.getSpec().version;
        RecommendationModelStatus rs = rm.getStatus();
        if (rs != null && rs.phase != null) {
            if (Objects.equals(rs.servingVersion, v)) {
                return rs.phase == ModelPhase.Deploying ? VersionPhase.RollingOut : VersionPhase.Serving;
            }
            if (Objects.equals(rs.candidateVersion, v)) {
                return VersionPhase.RollingOut;
            }
            if (Objects.equals(rs.lastFailedVersion, v) && mv.getSpec().stage == Stage.PRODUCTION) {
                return VersionPhase.RolledBack;
            }
        }
        return mv.getSpec().stage == Stage.ARCHIVED ? VersionPhase.Archived : VersionPhase.Ready;
    }

    private static String rolloutMessage(RecommendationModelStatus rs) {
        return rs.canaryWeight == null ? "rolling out" : "rolling out at " + rs.canaryWeight + "% of traffic";
    }

    private static VersionPhase set(ModelVersion mv, VersionPhase phase, boolean ready, String reason,
            String message, Instant now) {
        ModelVersionStatus s = of(mv);
        VersionPhase previous = s.phase;
        Long gen = mv.getMetadata().getGeneration();
        s.phase = phase;
        s.message = message;
        s.observedGeneration = gen;
        if (phase == VersionPhase.Failed) {
            s.resolvedUri = null;
            s.metrics = null;
        }
        Conditions.set(s.conditions, Conditions.READY, ready && phase != VersionPhase.Pending, reason, message, gen,
                now);
        return previous;
    }
}
