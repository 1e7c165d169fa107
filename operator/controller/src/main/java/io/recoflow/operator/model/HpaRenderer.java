package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.core.Owners;
import io.recoflow.operator.api.spec.Autoscaling;
import java.util.ArrayList;
import java.util.List;

/** autoscaling/v2 HPA on the active slot: CPU utilisation and/or requests per second per pod (a Pods metric). */
public final class HpaRenderer {
    private HpaRenderer() {}

    public static HorizontalPodAutoscaler render(RecommendationModel rm, String activeSlot) {
        Autoscaling a = rm.getSpec().autoscaling;
        List<MetricSpec> metrics = new ArrayList<>();
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
        if (a.targetRPS != null) {
            metrics.add(new MetricSpecBuilder()
                    .withType("Pods")
                    .withNewPods()
                        .withNewMetric().withName(a.rpsMetric).endMetric()
                        .withNewTarget().withType("AverageValue")
                            .withAverageValue(new Quantity(String.valueOf(a.targetRPS))).endTarget()
                    .endPods()
                    .build());
        }
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(Owners.meta(rm, Names.hpa(rm), ModelLabels.of(rm)))
                .withNewSpec()
                    .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(Names.deployment(rm, activeSlot))
                    .endScaleTargetRef()
                    .withMinReplicas(a.minReplicas)
                    .withMaxReplicas(a.maxReplicas)
                    .withMetrics(metrics)
                .endSpec()
                .build();
    }
}
