package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.model.rollout.Health;
import io.recoflow.operator.model.rollout.PodUpdate;
import io.recoflow.operator.model.rollout.SlotPlan;
import io.recoflow.operator.model.rollout.Target;
import io.recoflow.operator.version.VersionValidator;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Comparator;
import java.util.Objects;

/** Reads the world for one RecommendationModel: the production target and how each slot's Deployment is doing. */
final class ModelObserver {
    private ModelObserver() {}

    /**
     * The highest production version whose ModelVersion has been checked at its current generation. When two
     * versions say production (e.g. v1 not yet re-staged in Git), the newer one wins.
     */
    static Target target(RecommendationModel rm, Collection<ModelVersion> versions) {
        return versions.stream()
                .filter(mv -> mv.getSpec() != null && rm.getMetadata().getName().equals(mv.getSpec().modelRef))
                .filter(mv -> mv.getSpec().stage == Stage.PRODUCTION)
                .filter(mv -> VersionValidator.INSTANCE.validate(mv).isEmpty())
                .filter(mv -> mv.getStatus() != null && mv.getStatus().resolvedUri != null
                        && mv.getStatus().phase != VersionPhase.Failed
                        && Objects.equals(mv.getStatus().observedGeneration, mv.getMetadata().getGeneration()))
                .max(Comparator.comparingLong(mv -> mv.getSpec().version))
                .map(mv -> new Target(mv.getSpec().version, mv.getStatus().resolvedUri))
                .orElse(null);
    }

    /**
     * What of a ModelVersion {@link #target} looks at: a change of anything else (its message, its phase while
     * the model rolls it out) need not wake the model.
     */
    static List<Object> targetKey(ModelVersion mv) {
        var spec = mv.getSpec();
        var st = mv.getStatus();
        return Arrays.asList(mv.getMetadata().getGeneration(),
                spec == null ? null : spec.modelRef, spec == null ? null : spec.stage,
                spec == null ? null : spec.version,
                st == null ? null : st.resolvedUri, st == null ? null : st.phase == VersionPhase.Failed,
                st == null ? null : st.observedGeneration);
    }

    /** Health of a slot judged against the Deployment this plan renders for it. */
    static Health health(RecommendationModel rm, SlotPlan slot, ServingResources resources) {
        if (slot == null) {
            return Health.MISSING;
        }
        return health(resources.deployment(rm, slot.slot()).orElse(null), resources.render(rm, slot));
    }

    /** Whether any pod of the slot serves, whatever version it runs (old pods keep serving during an update). */
    static boolean anyAvailable(RecommendationModel rm, String slot, ServingResources resources) {
        return resources.deployment(rm, slot)
                .filter(d -> d.getStatus() != null && count(d.getStatus().getAvailableReplicas()) > 0).isPresent();
    }

    /**
     * Whether the slot's Deployment is still rolling out the pod template this plan renders (a new image,
     * resources...), and whether Kubernetes gave up on it. Pods that crash at the current template are not an
     * update: that is plain unavailability.
     */
    static PodUpdate podUpdate(RecommendationModel rm, SlotPlan slot, ServingResources resources) {
        if (slot == null) {
            return PodUpdate.NONE;
        }
        Deployment live = resources.deployment(rm, slot.slot()).orElse(null);
        if (live == null) {
            return PodUpdate.NONE;
        }
        if (!Dependent.rendered(live, resources.render(rm, slot))) {
            return PodUpdate.ROLLING; // just written; the Deployment controller has not seen it yet
        }
        DeploymentStatus st = live.getStatus();
        if (st == null || st.getObservedGeneration() == null || st.getObservedGeneration() < generation(live)) {
            return PodUpdate.ROLLING;
        }
        if (st.getConditions() != null && st.getConditions().stream().anyMatch(c -> "Progressing".equals(c.getType())
                && "False".equals(c.getStatus()) && "ProgressDeadlineExceeded".equals(c.getReason()))) {
            return PodUpdate.STALLED;
        }
        int want = live.getSpec().getReplicas() == null ? 1 : live.getSpec().getReplicas();
        return count(st.getUpdatedReplicas()) < want ? PodUpdate.ROLLING : PodUpdate.NONE;
    }

    static Health health(Deployment live, Deployment rendered) {
        if (live == null) {
            return Health.MISSING;
        }
        if (!Dependent.rendered(live, rendered)) {
            return Health.PROGRESSING;
        }
        DeploymentStatus st = live.getStatus();
        if (st == null || st.getObservedGeneration() == null
                || st.getObservedGeneration() < generation(live)) {
            return Health.PROGRESSING;
        }
        int want = live.getSpec().getReplicas() == null ? 1 : live.getSpec().getReplicas();
        boolean ok = count(st.getUpdatedReplicas()) >= want && count(st.getAvailableReplicas()) >= want
                && count(st.getReadyReplicas()) >= want;
        return ok ? Health.AVAILABLE : Health.PROGRESSING;
    }

    private static long generation(Deployment d) {
        return d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }
}
