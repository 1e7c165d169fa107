package io.recoflow.operator.pipeline;

import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.core.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of what a FeaturePipeline owns. */
public final class PipelineNames {
    public static final String NAME = "feature-pipeline";
    public static final String COLLECTOR = "collector";
    public static final String WORKER = "worker";
    public static final String SINK = "sink";
    public static final String PIPELINE_LABEL = "recoflow.io/pipeline";

    private PipelineNames() {}

    /** Deployment, Service, PodDisruptionBudget and autoscaler of a component share its name. */
    public static String of(FeaturePipeline fp, String component) {
        return fp.getMetadata().getName() + "-" + component;
    }

    public static String features(FeaturePipeline fp) {
        return fp.getMetadata().getName() + "-features";
    }

    /** The worker's consumer group: one per pipeline (one group = one copy of the features). */
    public static String workerGroup(FeaturePipeline fp) {
        return fp.getMetadata().getNamespace() + "." + fp.getMetadata().getName() + "-worker";
    }

    public static String sinkGroup(FeaturePipeline fp) {
        return fp.getMetadata().getNamespace() + "." + fp.getMetadata().getName() + "-sink";
    }

    public static Map<String, String> labels(FeaturePipeline fp, String component) {
        Map<String, String> m = new LinkedHashMap<>(Labels.of(fp, NAME, component));
        m.put(PIPELINE_LABEL, fp.getMetadata().getName());
        return m;
    }

    /** What a component's pods are selected by (stable: no version label). */
    public static Map<String, String> selector(FeaturePipeline fp, String component) {
        return Map.of(Labels.INSTANCE, fp.getMetadata().getName(), Labels.COMPONENT, component,
                PIPELINE_LABEL, fp.getMetadata().getName());
    }
}
