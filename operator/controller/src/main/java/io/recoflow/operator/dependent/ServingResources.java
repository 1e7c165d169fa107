package io.recoflow.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.render.ConfigMapRenderer;
import io.recoflow.operator.render.DeploymentRenderer;
import io.recoflow.operator.render.HpaRenderer;
import io.recoflow.operator.render.Names;
import io.recoflow.operator.render.ServiceRenderer;
import io.recoflow.operator.rollout.RolloutState;
import io.recoflow.operator.rollout.ServingPlan;
import io.recoflow.operator.rollout.SlotPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The owned objects of a RecommendationModel for a serving plan: per slot a ConfigMap and a Deployment, then the
 * Service (selecting the active slot) and the HPA. Order matters: a slot's config exists before its pods, and the
 * Service only moves once the plan says so. Slots not in the plan are removed.
 */
public final class ServingResources {
    private final Applier applier;

    public ServingResources(Applier applier) {
        this.applier = applier;
    }

    /** The Deployment of a slot as rendered for a plan; its hash is what "updated" means to the observer. */
    public static Deployment deployment(RecommendationModel rm, SlotPlan slot) {
        Deployment d = DeploymentRenderer.render(rm, slot);
        if (rm.getSpec().autoscaling != null) {
            Map<String, String> a = new HashMap<>();
            a.put(Applier.HPA_OWNED, "true");
            d.getMetadata().setAnnotations(a);
        }
        return d;
    }

    /** @param live the RM's Deployments as the informer sees them (to delete a slot only when it exists) */
    public void apply(RecommendationModel rm, ServingPlan plan, java.util.Collection<Deployment> live) {
        if (plan.slots().isEmpty()) {
            return;
        }
        String ns = rm.getMetadata().getNamespace();
        for (SlotPlan slot : plan.slots()) {
            applier.apply(ConfigMapRenderer.render(rm, slot));
            applier.apply(deployment(rm, slot));
        }
        applier.apply(ServiceRenderer.render(rm, plan.activeSlot()));
        if (rm.getSpec().autoscaling != null) {
            applier.apply(HpaRenderer.render(rm, plan.activeSlot()));
        } else {
            applier.delete(HorizontalPodAutoscaler.class, ns, Names.hpa(rm));
        }
        for (String slot : List.of(RolloutState.BLUE, RolloutState.GREEN)) {
            String name = Names.deployment(rm, slot);
            if (plan.slot(slot) == null && live.stream().anyMatch(d -> name.equals(d.getMetadata().getName()))) {
                applier.delete(Deployment.class, ns, Names.deployment(rm, slot));
                applier.delete(ConfigMap.class, ns, Names.configMap(rm, slot));
            }
        }
    }
}
