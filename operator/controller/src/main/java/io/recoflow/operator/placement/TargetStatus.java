package io.recoflow.operator.placement;

import io.fabric8.kubernetes.api.model.Condition;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.placement.ClusterTargetStatus;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Objects;

/**
 * The one place ClusterTarget status is written: condition {@code Reachable} (the last probe of the member's
 * /version, or why it could not be probed), the Kubernetes version it reported, and when it was probed.
 *
 * <p>{@code lastProbeTime} is written when anything else in the status changes, and otherwise at most every
 * {@link #REPORT_EVERY} (as the kubelet reports an unchanged node status): a status write per probe would be a
 * write, an etcd revision and a watch event for every watcher (Argo CD among them) every probe interval per
 * cluster, saying nothing new. So a steady state writes nothing between reports, and a {@code lastProbeTime} older
 * than {@link #REPORT_EVERY} plus the probe interval means the operator is no longer probing.
 */
public final class TargetStatus {
    public static final String REACHABLE = "Reachable";
    /** The condition set of a ClusterTarget. */
    public static final Conditions CONDITIONS = Conditions.of(REACHABLE);
    /** How stale an unchanged lastProbeTime may get. */
    public static final Duration REPORT_EVERY = Duration.ofMinutes(5);

    /** What the Reachable condition said before this reconcile: events are sent on its transitions. */
    public record Before(String status, String reason) {
        boolean same(Condition c) {
            return c != null && Objects.equals(status, c.getStatus()) && Objects.equals(reason, c.getReason());
        }
    }

    private TargetStatus() {}

    public static ClusterTargetStatus of(ClusterTarget ct) {
        if (ct.getStatus() == null) {
            ct.setStatus(new ClusterTargetStatus());
        }
        if (ct.getStatus().conditions == null) {
            ct.getStatus().conditions = new ArrayList<>();
        }
        return ct.getStatus();
    }

    public static Before before(ClusterTarget ct) {
        Condition c = Conditions.get(of(ct).conditions, REACHABLE).orElse(null);
        return c == null ? new Before(null, null) : new Before(c.getStatus(), c.getReason());
    }

    /** The member answered: Reachable=True with its version. */
    public static void reachable(ClusterTarget ct, String version, String server, Instant now) {
        ClusterTargetStatus s = of(ct);
        boolean changed = set(ct, true, Reason.Reachable, "API server " + server + " answered: Kubernetes "
                + version, now);
        changed |= !Objects.equals(s.kubernetesVersion, version);
        s.kubernetesVersion = version;
        probed(s, changed, now);
    }

    /**
     * The member was probed and did not answer, or refused the credentials. The version it last reported is kept
     * (it is still the member's version, as far as anyone knows).
     */
    public static void unreachable(ClusterTarget ct, Reason reason, String message, Instant now) {
        probed(of(ct), set(ct, false, reason, message, now), now);
    }

    /** The member could not be probed at all (invalid spec, Secret missing, kubeconfig unusable). */
    public static void unusable(ClusterTarget ct, Reason reason, String message, Instant now) {
        ClusterTargetStatus s = of(ct);
        set(ct, false, reason, message, now);
        s.kubernetesVersion = null;
    }

    /** @return the events to send: the condition's transition, or null when (status, reason) did not change */
    public static Condition transition(ClusterTarget ct, Before before) {
        Condition c = Conditions.get(of(ct).conditions, REACHABLE).orElse(null);
        return before.same(c) ? null : c;
    }

    private static boolean set(ClusterTarget ct, boolean status, Reason reason, String message, Instant now) {
        ClusterTargetStatus s = of(ct);
        Long gen = ct.getMetadata().getGeneration();
        boolean genChanged = !Objects.equals(s.observedGeneration, gen);
        s.observedGeneration = gen;
        return CONDITIONS.set(s.conditions, REACHABLE, status, reason, message, gen, now) || genChanged;
    }

    private static void probed(ClusterTargetStatus s, boolean changed, Instant now) {
        if (changed || s.lastProbeTime == null || olderThan(s.lastProbeTime, now, REPORT_EVERY)) {
            s.lastProbeTime = now.toString();
        }
    }

    private static boolean olderThan(String time, Instant now, Duration d) {
        try {
            return !Instant.parse(time).plus(d).isAfter(now);
        } catch (DateTimeParseException e) {
            return true;
        }
    }
}
