package io.recoflow.operator.model.rollout;

import io.recoflow.operator.api.status.ModelPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A placement rolled out cluster by cluster: the canary steps run on the first cluster, and where the state
 * machine would promote, the steps start again on the next cluster; only the last cluster's last step promotes.
 * A rollback or abort anywhere ends the rollout in every cluster it reached (they all go back to the stable plan).
 * No progressive-delivery tool does this today (Argo Rollouts #2737 asks for it).
 */
public final class Sequential {
    private Sequential() {}

    /** The decision, re-read for a sequential placement, and the cluster index the steps run on next (null: none). */
    public record Step(Decision decision, Integer cluster) {}

    public static Step next(Decision d, RolloutState before, Integer cluster, int clusters, RolloutPolicy p,
            List<String> names, Instant now) {
        RolloutState next = d.next();
        if (next.phase() != ModelPhase.RollingOut) {
            boolean promoted = d.transitions().stream().anyMatch(t -> t.reason().equals("Promoted"));
            int at = cluster == null ? 0 : cluster;
            if (promoted && before.rollingOut() && at + 1 < clusters) {
                RolloutPolicy.Step first = p.steps().get(0);
                RolloutState again = new RolloutState(ModelPhase.RollingOut, before.serving(), before.servingUri(),
                        before.candidate(), before.candidateUri(), first.weight(), 0, now, null, before.activeSlot(),
                        before.lastStable(), before.lastStableUri(), null, before.previous(), before.previousUri(),
                        null);
                List<Transition> out = new ArrayList<>();
                for (Transition t : d.transitions()) {
                    out.add(t.reason().equals("Promoted") ? Transition.normal("CanaryStep", "Canary of version "
                            + before.candidate() + " done on cluster " + names.get(at) + "; cluster "
                            + names.get(at + 1) + " (" + (at + 2) + "/" + clusters + "), step 1/" + p.steps().size()
                            + ", " + first.weight() + "% of traffic") : t);
                }
                return new Step(new Decision(again, List.copyOf(out), java.time.Duration.ZERO, d.analysis()),
                        at + 1);
            }
            return new Step(d, null);
        }
        return new Step(d, before.rollingOut() && cluster != null ? cluster : 0);
    }

    /**
     * The state cluster {@code index} is rendered from while cluster {@code at} runs the steps: the clusters
     * before it already serve the candidate, the ones after still the stable version.
     */
    public static RolloutState forCluster(RolloutState s, int index, Integer at) {
        if (at == null || !s.rollingOut() || index == at) {
            return s;
        }
        long v = index < at ? s.candidate() : s.serving();
        String uri = index < at ? s.candidateUri() : s.servingUri();
        return new RolloutState(ModelPhase.Serving, v, uri, null, null, null, null, null, null, s.activeSlot(),
                s.lastStable(), s.lastStableUri(), null, s.previous(), s.previousUri(), null);
    }
}
