package io.recoflow.operator.pipeline;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.placement.MemberInformers;
import io.recoflow.operator.placement.Placed;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * A FeaturePipeline's apps in one cluster: the features ConfigMap, the collector, worker and sink Deployments with
 * their Services and PodDisruptionBudgets, and the autoscalers (KEDA's ScaledObject where that cluster has its
 * CRD, else an HPA). The hub reads them through JOSDK informers and owns them by owner reference; a member through
 * its {@link MemberInformers}, the pipeline named in annotations ({@link Placed}), and they are deleted by name.
 */
final class PipelineResources {
    private final String cluster;
    private final KubernetesClient client;
    private final Dependent<Deployment, FeaturePipeline> deployments;
    private final Dependent<Service, FeaturePipeline> services;
    private final Dependent<ConfigMap, FeaturePipeline> configMaps;
    private final Dependent<PodDisruptionBudget, FeaturePipeline> pdbs;
    private final Dependent<HorizontalPodAutoscaler, FeaturePipeline> hpas;

    /** In the hub: JOSDK informers, owner references. */
    PipelineResources(EventSourceContext<FeaturePipeline> context) {
        cluster = ClusterTarget.LOCAL;
        client = context.getClient();
        deployments = Dependent.of(Deployment.class, FeaturePipeline.class, context, PipelineResources::keepReplicas);
        services = Dependent.of(Service.class, FeaturePipeline.class, context, PipelineResources::keepClusterIp);
        configMaps = Dependent.of(ConfigMap.class, FeaturePipeline.class, context);
        pdbs = Dependent.of(PodDisruptionBudget.class, FeaturePipeline.class, context);
        hpas = Dependent.of(HorizontalPodAutoscaler.class, FeaturePipeline.class, context);
    }

    /** In a member cluster: its informers, the pipeline named in annotations. */
    PipelineResources(String cluster, KubernetesClient client, MemberInformers<FeaturePipeline> informers) {
        this.cluster = cluster;
        this.client = client;
        deployments = member(Deployment.class, informers, PipelineResources::keepReplicas);
        services = member(Service.class, informers, PipelineResources::keepClusterIp);
        configMaps = member(ConfigMap.class, informers, (d, l) -> d);
        pdbs = member(PodDisruptionBudget.class, informers, (d, l) -> d);
        hpas = member(HorizontalPodAutoscaler.class, informers, (d, l) -> d);
    }

    private <R extends HasMetadata> Dependent<R, FeaturePipeline> member(Class<R> type,
            MemberInformers<FeaturePipeline> informers, BinaryOperator<R> carry) {
        return Dependent.of(type, client, informers.cache(cluster, client, type), carry);
    }

    String cluster() {
        return cluster;
    }

    List<EventSource<?, FeaturePipeline>> sources() {
        return List.of(deployments.source(), services.source(), configMaps.source(), pdbs.source(), hpas.source());
    }

    /**
     * Writes the apps for the events topic's {@code partitions}, the autoscalers capped at {@code cap} (null: no
     * budget cap).
     *
     * @return what scales the worker in this cluster: ScaledObject, HorizontalPodAutoscaler or null
     */
    String apply(FeaturePipeline fp, int partitions, Integer cap) {
        FeaturePipelineSpec spec = fp.getSpec();
        String ns = fp.getMetadata().getNamespace();
        configMaps.apply(fp, in(fp, PipelineRenderer.features(fp)));
        deployments.apply(fp, in(fp, PipelineRenderer.collector(fp)));
        deployments.apply(fp, in(fp, PipelineRenderer.worker(fp)));
        Deployment sink = PipelineRenderer.sink(fp);
        for (String c : PipelineReconciler.COMPONENTS) {
            if (PipelineNames.SINK.equals(c) && sink == null) {
                // the sink's Service stays (the operator never deletes a Service); it selects no pod any more
                deployments.delete(ns, PipelineNames.of(fp, c));
                pdbs.delete(ns, PipelineNames.of(fp, c));
                continue;
            }
            services.apply(fp, in(fp, PipelineRenderer.service(fp, c)));
            pdbs.apply(fp, in(fp, PipelineRenderer.pdb(fp, c)));
        }
        if (sink != null) {
            deployments.apply(fp, in(fp, sink));
        }
        // the collector: a CPU HPA or none
        var ca = ScalerRenderer.capped(spec.collector == null ? null : spec.collector.autoscaling, cap);
        String collector = PipelineNames.of(fp, PipelineNames.COLLECTOR);
        if (ca != null) {
            hpas.apply(fp, in(fp, ScalerRenderer.hpa(fp, PipelineNames.COLLECTOR, ca, partitions)));
        } else {
            hpas.delete(ns, collector);
        }
        // the worker: KEDA where this cluster has it installed, else an HPA; the other one removed
        var wa = ScalerRenderer.capped(spec.worker == null ? null : spec.worker.autoscaling, cap);
        String worker = PipelineNames.of(fp, PipelineNames.WORKER);
        boolean keda = PipelineReconciler.keda(client);
        if (wa != null && wa.lag != null && keda) {
            PipelineReconciler.applyGeneric(client, ScalerRenderer.KEDA,
                    in(fp, ScalerRenderer.scaledObject(fp, wa, partitions)));
            hpas.delete(ns, worker);
            return ScalerRenderer.SCALED_OBJECT;
        }
        if (keda) {
            client.genericKubernetesResources(ScalerRenderer.KEDA).inNamespace(ns).withName(worker).delete();
        }
        if (wa != null) {
            hpas.apply(fp, in(fp, ScalerRenderer.hpa(fp, PipelineNames.WORKER, wa, partitions)));
            return "HorizontalPodAutoscaler";
        }
        hpas.delete(ns, worker);
        return null;
    }

    /** Null when every component has its replicas available here, else which do not. */
    String unavailable(FeaturePipeline fp) {
        List<String> down = new ArrayList<>();
        String ns = fp.getMetadata().getNamespace();
        for (String c : PipelineReconciler.COMPONENTS) {
            if (PipelineNames.SINK.equals(c) && fp.getSpec().sink == null) {
                continue;
            }
            Deployment d = deployments.get(ns, PipelineNames.of(fp, c)).orElse(null);
            int want = d == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            int have = d == null || d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0
                    : d.getStatus().getAvailableReplicas();
            if (have < Math.min(1, want) || d == null) {
                down.add(c + " " + have + "/" + want + " available");
            }
        }
        return down.isEmpty() ? null : String.join(", ", down);
    }

    /**
     * Deletes every object the pipeline may have in this cluster, by name, straight through the client (a member's
     * informer may not run any more): when the pipeline is deleted or the cluster leaves its placement (or goes to
     * weight 0). The hub needs none of this: owner references let Kubernetes collect them.
     */
    void deleteAll(FeaturePipeline fp) {
        String ns = fp.getMetadata().getNamespace();
        for (String c : PipelineReconciler.COMPONENTS) {
            String name = PipelineNames.of(fp, c);
            client.apps().deployments().inNamespace(ns).withName(name).delete();
            client.services().inNamespace(ns).withName(name).delete();
            client.resources(PodDisruptionBudget.class).inNamespace(ns).withName(name).delete();
            client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(name).delete();
        }
        client.configMaps().inNamespace(ns).withName(PipelineNames.features(fp)).delete();
        if (PipelineReconciler.keda(client)) {
            client.genericKubernetesResources(ScalerRenderer.KEDA).inNamespace(ns)
                    .withName(PipelineNames.of(fp, PipelineNames.WORKER)).delete();
        }
    }

    /**
     * Removes the apps from the hub when the placement does not name it (with weight > 0), through the hub's
     * informers: no request for what is already gone. The Services stay (the operator never deletes a Service in
     * the hub, see the removed sink); they select no pod and go with the pipeline.
     */
    void removeFromHub(FeaturePipeline fp) {
        String ns = fp.getMetadata().getNamespace();
        boolean worker = deployments.delete(ns, PipelineNames.of(fp, PipelineNames.WORKER));
        for (String c : PipelineReconciler.COMPONENTS) {
            String name = PipelineNames.of(fp, c);
            deployments.delete(ns, name);
            pdbs.delete(ns, name);
            hpas.delete(ns, name);
        }
        configMaps.delete(ns, PipelineNames.features(fp));
        if (worker && PipelineReconciler.keda(client)) {
            client.genericKubernetesResources(ScalerRenderer.KEDA).inNamespace(ns)
                    .withName(PipelineNames.of(fp, PipelineNames.WORKER)).delete();
        }
    }

    private <R extends HasMetadata> R in(FeaturePipeline fp, R rendered) {
        return Placed.in(cluster, fp, rendered);
    }

    /** A lag or CPU autoscaler owns replicas: a template change must not reset them. */
    private static Deployment keepReplicas(Deployment desired, Deployment live) {
        var a = desired.getMetadata().getAnnotations();
        if (a != null && a.containsKey(PipelineRenderer.SCALED) && live.getSpec() != null) {
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
