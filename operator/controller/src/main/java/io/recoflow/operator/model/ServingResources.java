package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.recoflow.common.contract.ExperimentConfig;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.placement.MemberInformers;
import io.recoflow.operator.placement.Placed;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.model.rollout.RolloutState;
import io.recoflow.operator.model.rollout.ServingPlan;
import io.recoflow.operator.model.rollout.SlotPlan;
import java.util.List;
import java.util.Optional;

/**
 * The owned objects of a RecommendationModel for a serving plan: per slot a ConfigMap and a Deployment, then the
 * Service (selecting the active slot), the HPA and, for tensorflow-serving, the clients' routing ConfigMap. Order
 * matters: a slot's config exists before its pods, and the Service only moves once the plan says so. Slots not in
 * the plan are removed. Every kind has an informer, so a deleted object is noticed and recreated.
 */
public final class ServingResources {
    private final String cluster;
    private final KubernetesClient client;
    private final Dependent<Deployment, RecommendationModel> deployments;
    private final Dependent<ConfigMap, RecommendationModel> configMaps;
    private final Dependent<Service, RecommendationModel> services;
    private final Dependent<HorizontalPodAutoscaler, RecommendationModel> hpas;

    /** In the hub: JOSDK informers, owner references. */
    public ServingResources(EventSourceContext<RecommendationModel> context) {
        cluster = ClusterTarget.LOCAL;
        client = context.getClient();
        deployments = Dependent.of(Deployment.class, RecommendationModel.class, context, ServingResources::keepReplicas);
        configMaps = Dependent.of(ConfigMap.class, RecommendationModel.class, context);
        services = Dependent.of(Service.class, RecommendationModel.class, context, ServingResources::keepClusterIp);
        hpas = Dependent.of(HorizontalPodAutoscaler.class, RecommendationModel.class, context);
    }

    /** In a member cluster: its informers, primary named in annotations ({@link Placed}). */
    public ServingResources(String cluster, KubernetesClient client, MemberInformers<RecommendationModel> informers) {
        this.cluster = cluster;
        this.client = client;
        deployments = Dependent.of(Deployment.class, client, informers.cache(cluster, client, Deployment.class),
                ServingResources::keepReplicas);
        configMaps = Dependent.of(ConfigMap.class, client, informers.cache(cluster, client, ConfigMap.class),
                (d, l) -> d);
        services = Dependent.of(Service.class, client, informers.cache(cluster, client, Service.class),
                ServingResources::keepClusterIp);
        hpas = Dependent.of(HorizontalPodAutoscaler.class, client,
                informers.cache(cluster, client, HorizontalPodAutoscaler.class), (d, l) -> d);
    }

    /** The slot's Deployment as this cluster gets it: what its hash annotation is compared with. */
    public Deployment render(RecommendationModel rm, SlotPlan slot) {
        return Placed.in(cluster, rm, DeploymentRenderer.render(rm, slot));
    }

    public String cluster() {
        return cluster;
    }

    public KubernetesClient client() {
        return client;
    }

    /**
     * Deletes every object a model may have in this cluster, by name, straight through the client (a member's
     * informer may not run any more): used when the model is deleted or the cluster leaves its placement. The hub
     * needs none of this: owner references let Kubernetes collect them.
     */
    public void deleteAll(RecommendationModel rm) {
        String ns = rm.getMetadata().getNamespace();
        for (String slot : List.of(RolloutState.BLUE, RolloutState.GREEN)) {
            client.apps().deployments().inNamespace(ns).withName(Names.deployment(rm, slot)).delete();
            client.configMaps().inNamespace(ns).withName(Names.configMap(rm, slot)).delete();
        }
        client.configMaps().inNamespace(ns).withName(Names.routing(rm)).delete();
        client.configMaps().inNamespace(ns).withName(Names.experiment(rm)).delete();
        client.services().inNamespace(ns).withName(Names.service(rm)).delete();
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(Names.hpa(rm)).delete();
    }

    public List<EventSource<?, RecommendationModel>> sources() {
        return List.of(deployments.source(), configMaps.source(), services.source(), hpas.source());
    }

    /** The slot's Deployment as the informer has it. */
    public Optional<Deployment> deployment(RecommendationModel rm, String slot) {
        return deployments.get(rm.getMetadata().getNamespace(), Names.deployment(rm, slot));
    }

    public void apply(RecommendationModel rm, ServingPlan plan) {
        apply(rm, plan, ExperimentConfig.NONE);
    }

    /** @param experiments the experiment file (the split the model serves; NONE without one) */
    public void apply(RecommendationModel rm, ServingPlan plan, ExperimentConfig experiments) {
        if (plan.slots().isEmpty()) {
            return;
        }
        String ns = rm.getMetadata().getNamespace();
        // before the pods: a slot that starts serving an experiment's versions finds its split already there
        configMaps.apply(rm, Placed.in(cluster, rm, ConfigMapRenderer.experiment(rm, experiments)));
        for (SlotPlan slot : plan.slots()) {
            configMaps.apply(rm, Placed.in(cluster, rm, ConfigMapRenderer.render(rm, slot)));
            deployments.apply(rm, render(rm, slot));
        }
        services.apply(rm, Placed.in(cluster, rm, ServiceRenderer.render(rm, plan.activeSlot())));
        if (rm.getSpec().autoscaling != null) {
            hpas.apply(rm, Placed.in(cluster, rm, HpaRenderer.render(rm, plan.activeSlot())));
        } else {
            hpas.delete(ns, Names.hpa(rm));
        }
        if (rm.getSpec().runtime == Runtime.EMBEDDED) {
            configMaps.delete(ns, Names.routing(rm));
        } else {
            configMaps.apply(rm, Placed.in(cluster, rm, ConfigMapRenderer.routing(rm, plan.active())));
        }
        for (String slot : List.of(RolloutState.BLUE, RolloutState.GREEN)) {
            if (plan.slot(slot) == null) {
                deployments.delete(ns, Names.deployment(rm, slot));
                configMaps.delete(ns, Names.configMap(rm, slot));
            }
        }
    }

    /**
     * An HPA owns replicas while autoscaling is on: a template change must not reset them. Only then: once
     * autoscaling is turned off the rendered count applies again.
     */
    private static Deployment keepReplicas(Deployment desired, Deployment live) {
        var a = desired.getMetadata().getAnnotations();
        if (a != null && "true".equals(a.get(DeploymentRenderer.HPA_OWNED)) && live.getSpec() != null) {
            desired.getSpec().setReplicas(live.getSpec().getReplicas());
        }
        return desired;
    }

    /** Allocated by the API server and immutable: an update without them is rejected. */
    private static Service keepClusterIp(Service desired, Service live) {
        desired.getSpec().setClusterIP(live.getSpec().getClusterIP());
        desired.getSpec().setClusterIPs(live.getSpec().getClusterIPs());
        return desired;
    }
}
