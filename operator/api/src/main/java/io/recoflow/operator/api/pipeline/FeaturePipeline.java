package io.recoflow.operator.api.pipeline;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.recoflow.operator.api.RecommendationModel;

/**
 * The event pipeline of a recommender, reconciled from one resource: its Kafka topics (events, impressions, dead
 * letters), the event collector, the feature worker (scaled on consumer lag) and the data-lake sink, the feature
 * settings the worker applies, and the freshness SLO that RecommendationModels may wait on before a rollout.
 */
@Group(RecommendationModel.GROUP)
@Version(RecommendationModel.VERSION)
@ShortNames("fp")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Topics", jsonPath = ".status.conditions[?(@.type==\"TopicsReady\")].status",
        type = Type.STRING)
@AdditionalPrinterColumn(name = "Lag", jsonPath = ".status.lag.total", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Freshness", jsonPath = ".status.freshness.ageSeconds", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Fresh", jsonPath = ".status.conditions[?(@.type==\"Fresh\")].status",
        type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class FeaturePipeline extends CustomResource<FeaturePipelineSpec, FeaturePipelineStatus>
        implements Namespaced {

    @Override
    @Required
    public FeaturePipelineSpec getSpec() {
        return super.getSpec();
    }
}
