package io.recoflow.operator.pipeline;

import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import io.recoflow.operator.core.Validator;
import io.recoflow.operator.placement.PlacementValidator;
import java.util.ArrayList;
import java.util.List;

/** The FeaturePipeline CRD's rules again in Java (see {@link Validator}), and the worker's own feature checks. */
public final class PipelineValidator implements Validator<FeaturePipeline> {
    public static final PipelineValidator INSTANCE = new PipelineValidator();

    private PipelineValidator() {}

    @Override
    public List<String> validate(FeaturePipeline fp) {
        List<String> errors = new ArrayList<>();
        FeaturePipelineSpec s = fp.getSpec();
        if (s == null) {
            errors.add("spec: required");
            return errors;
        }
        if (s.kafka == null || Validator.blank(s.kafka.bootstrapServers)) {
            errors.add("spec.kafka.bootstrapServers: required");
        } else if (s.kafka.topicManagement == FeaturePipelineSpec.TopicManagement.STRIMZI
                && s.kafka.strimziCluster == null) {
            errors.add("spec: topicManagement strimzi needs kafka.strimziCluster (the strimzi.io/cluster label)");
        }
        if (s.redis == null || Validator.blank(s.redis.host)) {
            errors.add("spec.redis.host: required");
        }
        if (s.kafka != null && s.kafka.topics != null) {
            for (DesiredTopic t : DesiredTopic.of(fp)) {
                Validator.range(errors, "spec.kafka.topics." + t.role() + ".partitions", t.partitions(), 1, 10000);
                String isr = t.config().get("min.insync.replicas");
                if (isr != null && Integer.parseInt(isr) > t.replicationFactor()) {
                    errors.add("spec.kafka.topics." + t.role() + ": minInsyncReplicas must be <= replicationFactor");
                }
            }
        }
        PipelineRenderer.settings(fp).validate().forEach(p -> errors.add("spec.features: " + p));
        var ws = s.features == null ? null : s.features.popularityWindowsHours;
        if (ws != null && !ws.equals(ws.stream().sorted().toList())) {
            errors.add("spec.features.popularityWindowsHours: popularityWindowsHours must be ascending");
        }
        component(errors, "collector", s.collector);
        component(errors, "worker", s.worker);
        if (s.collector != null && s.collector.autoscaling != null && s.collector.autoscaling.lag != null) {
            errors.add("spec: lag autoscaling is for the worker (the collector does not consume)");
        }
        if (s.sink != null && (s.sink.targets == null || s.sink.targets.isEmpty())) {
            errors.add("spec.sink.targets: required");
        }
        PlacementValidator.check(errors, s.placement);
        if (s.placement != null && s.placement.dns != null) {
            errors.add("spec: placement.dns does not apply to a FeaturePipeline (its apps serve no traffic)");
        }
        return errors;
    }

    private static void component(List<String> errors, String path, FeaturePipelineSpec.Component c) {
        if (c == null) {
            return;
        }
        if (c.replicas != null && c.autoscaling != null) {
            errors.add("spec." + path + ": set replicas or autoscaling, not both");
        }
        var a = c.autoscaling;
        if (a != null) {
            if (a.minReplicas == null || a.maxReplicas == null) {
                errors.add("spec." + path + ".autoscaling: minReplicas and maxReplicas are required");
            } else if (a.minReplicas > a.maxReplicas) {
                errors.add("spec." + path + ".autoscaling: minReplicas must be <= maxReplicas");
            }
            if (a.lag == null && a.targetCPUUtilization == null) {
                errors.add("spec." + path + ".autoscaling: set lag and/or targetCPUUtilization");
            }
        }
    }
}
