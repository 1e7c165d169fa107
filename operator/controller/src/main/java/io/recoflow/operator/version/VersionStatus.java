package io.recoflow.operator.version;

import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.ModelVersionStatus;
import io.recoflow.operator.api.status.RecommendationModelStatus;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;

/**
 * The one place ModelVersion status is written. A version's phase follows from its own checks and from what its
 * RecommendationModel reports, so the RecommendationModel controller stays the only writer of rollout state.
 */
public final class VersionStatus {
    /** The condition set of a ModelVersion. */
    public static final Conditions CONDITIONS = Conditions.of(Conditions.READY);

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
    public static VersionPhase failed(ModelVersion mv, Reason reason, String message, Instant now) {
        return set(mv, VersionPhase.Failed, false, reason, message, now);
    }

    public static VersionPhase validating(ModelVersion mv, Reason reason, String message, Instant now) {
        return set(mv, VersionPhase.Validating, false, reason, message, now);
    }

    /**
     * @param source where the artifact was resolved from (kept in {@code status.source}: the message is derived
     *     from the phase every time, so it never keeps saying "serving" after the version stopped serving)
     */
    public static VersionPhase resolved(ModelVersion mv, String uri, Map<String, Double> metrics, String source,
            RecommendationModel rm, Instant now) {
        ModelVersionStatus s = of(mv);
        s.resolvedUri = uri;
        s.metrics = metrics == null || metrics.isEmpty() ? null : metrics;
        s.source = source;
        VersionPhase phase = phase(mv, rm);
        long v = mv.getSpec().version;
        String message = switch (phase) {
            case Pending -> "RecommendationModel " + mv.getSpec().modelRef + " not found";
            case Serving -> "version " + v + " is serving";
            case RollingOut -> rolloutMessage(v, rm.getStatus());
            case RolledBack -> demoted(rm.getStatus(), v)
                    ? "version " + v + " broke its SLO while serving (" + rm.getStatus().analysis.message
                            + ") and was demoted; change stage to retry"
                    : "rollout of version " + v + " failed and was rolled back; change stage to retry";
            case Archived -> "archived";
            default -> "resolved" + (source == null ? "" : " (" + source + ")") + "; ready to promote";
        };
        Reason reason = phase == VersionPhase.Pending ? Reason.ModelNotFound : Reason.ArtifactResolved;
        return set(mv, phase, true, reason, message, now);
    }

    /** What of a RecommendationModel {@link #phase} and the messages read. */
    static java.util.List<Object> modelKey(RecommendationModel rm) {
        RecommendationModelStatus rs = rm.getStatus();
        return rs == null ? java.util.List.of() : java.util.Arrays.asList(rs.phase, rs.servingVersion,
                rs.candidateVersion, rs.lastFailedVersion, rs.canaryWeight);
    }

    static VersionPhase phase(ModelVersion mv, RecommendationModel rm) {
        if (rm == null) {
            return VersionPhase.Pending;
        }
        long v = mv.getSpec().version;
        RecommendationModelStatus rs = rm.getStatus();
        if (rs != null && rs.phase != null) {
            if (Objects.equals(rs.servingVersion, v)) {
                return VersionPhase.Serving;
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

    /** Whether the model's SLO watch (an analysis of no canary step) took version {@code v} out of service. */
    private static boolean demoted(RecommendationModelStatus rs, long v) {
        return rs.analysis != null && rs.analysis.step == null && "Fail".equals(rs.analysis.result)
                && Objects.equals(rs.analysis.version, v);
    }

    private static String rolloutMessage(long v, RecommendationModelStatus rs) {
        if (rs.phase == ModelPhase.Failed) {
            return "version " + v + " did not become available in time; waiting for its pods";
        }
        return rs.canaryWeight == null || rs.phase == ModelPhase.Deploying ? "version " + v + " is rolling out"
                : "version " + v + " is rolling out at " + rs.canaryWeight + "% of traffic";
    }

    private static VersionPhase set(ModelVersion mv, VersionPhase phase, boolean ready, Reason reason,
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
            s.source = null;
        }
        CONDITIONS.set(s.conditions, Conditions.READY, ready && phase != VersionPhase.Pending, reason, message, gen,
                now);
        return previous;
    }
}
