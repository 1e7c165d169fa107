package io.recoflow.operator.pipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.recoflow.common.contract.Pipeline;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec.Scaling;
import io.recoflow.operator.core.Owners;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What scales the worker on its consumer lag: a KEDA ScaledObject with the Kafka scaler where KEDA's CRD is
 * installed, else an autoscaling/v2 HPA on the worker's lag gauge ({@link Pipeline#WORKER_LAG_METRIC}, a Pods
 * metric: each pod's lag over its partitions, averaged, is total lag per replica; it needs a custom metrics adapter
 * such as prometheus-adapter). Either way the maximum is capped at the events topic's partitions: a consumer
 * beyond that would own no partition. The collector scales on CPU only (it does not consume).
 */
public final class ScalerRenderer {
    public static final String KEDA_CRD = "scaledobjects.keda.sh";
    public static final String KEDA_API = "keda.sh/v1alpha1";
    public static final String SCALED_OBJECT = "ScaledObject";
    /** Named, not discovered: the client cannot look a kind up where its CRD is missing. */
    public static final ResourceDefinitionContext KEDA = new ResourceDefinitionContext.Builder()
            .withGroup("keda.sh").withVersion("v1alpha1").withKind(SCALED_OBJECT).withPlural("scaledobjects")
            .withNamespaced(true).build();

    private ScalerRenderer() {}

    /** The worker's upper bound: the spec's, capped at the partitions a lag-scaled consumer group can use. */
    public static int maxReplicas(Scaling a, int partitions) {
        return a.lag == null ? a.maxReplicas : Math.max(1, Math.min(a.maxReplicas, partitions));
    }

    /**
     * A CloudCostBudget's capReplicas applied to the spec's autoscaling, as for a model's HPA: maxReplicas down to
     * the cap, never below minReplicas. A copy: the spec is never changed.
     */
    public static Scaling capped(Scaling a, Integer cap) {
        if (a == null || cap == null || cap >= a.maxReplicas) {
            return a;
        }
        Scaling c = new Scaling();
        c.minReplicas = a.minReplicas;
        c.maxReplicas = Math.max(a.minReplicas, cap);
        c.targetCPUUtilization = a.targetCPUUtilization;
        c.lag = a.lag;
        return c;
    }

    public static GenericKubernetesResource scaledObject(FeaturePipeline fp, int partitions) {
        return scaledObject(fp, fp.getSpec().worker.autoscaling, partitions);
    }

    public static GenericKubernetesResource scaledObject(FeaturePipeline fp, Scaling a, int partitions) {
        List<Map<String, Object>> triggers = new ArrayList<>();
        Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put("bootstrapServers", fp.getSpec().kafka.bootstrapServers);
        kafka.put("consumerGroup", PipelineNames.workerGroup(fp));
        kafka.put("topic", DesiredTopic.events(fp).name());
        kafka.put("lagThreshold", String.valueOf(a.lag.threshold));
        // the worker's auto.offset.reset: a group that never committed reads from the start
        kafka.put("offsetResetPolicy", "earliest");
        triggers.add(Map.of("type", "kafka", "metadata", kafka));
        if (a.targetCPUUtilization != null) {
            triggers.add(Map.of("type", "cpu", "metricType", "Utilization",
                    "metadata", Map.of("value", String.valueOf(a.targetCPUUtilization))));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", Map.of("name", PipelineNames.of(fp, PipelineNames.WORKER)));
        spec.put("minReplicaCount", a.minReplicas);
        spec.put("maxReplicaCount", maxReplicas(a, partitions));
        spec.put("triggers", triggers);
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(KEDA_API)
                .withKind(SCALED_OBJECT)
                .withMetadata(Owners.meta(fp, PipelineNames.of(fp, PipelineNames.WORKER),
                        PipelineNames.labels(fp, PipelineNames.WORKER)))
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }

    /** @param partitions the events topic's partitions (caps a lag-scaled maximum) */
    public static HorizontalPodAutoscaler hpa(FeaturePipeline fp, String component, Scaling a, int partitions) {
        List<MetricSpec> metrics = new ArrayList<>();
        if (a.lag != null) {
            metrics.add(new MetricSpecBuilder()
                    .withType("Pods")
                    .withNewPods()
                        .withNewMetric().withName(Pipeline.WORKER_LAG_METRIC).endMetric()
                        .withNewTarget().withType("AverageValue")
                            .withAverageValue(new Quantity(String.valueOf(a.lag.threshold))).endTarget()
                    .endPods()
                    .build());
        }
        if (a.targetCPUUtilization != null) {
            metrics.add(new MetricSpecBuilder()
                    .withType("Resource")
                    .withNewResource()
                        .withName("cpu")
                        .withNewTarget().withType("Utilization")
                            .withAverageUtilization(a.targetCPUUtilization).endTarget()
                    .endResource()
                    .build());
        }
        int max = maxReplicas(a, partitions);
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(Owners.meta(fp, PipelineNames.of(fp, component), PipelineNames.labels(fp, component)))
                .withNewSpec()
                    .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(PipelineNames.of(fp, component))
                    .endScaleTargetRef()
                    // an HPA cannot scale to zero (that is a KEDA feature)
                    .withMinReplicas(Math.min(max, Math.max(1, a.minReplicas)))
                    .withMaxReplicas(max)
                    .withMetrics(metrics)
                .endSpec()
                .build();
    }
}
