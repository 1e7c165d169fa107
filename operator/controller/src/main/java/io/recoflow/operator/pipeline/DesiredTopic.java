package io.recoflow.operator.pipeline;

import io.recoflow.common.contract.Pipeline;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic as the spec wants it, defaults applied. {@code config} holds only the keys the spec sets: those are the
 * ones drift is corrected on (a key the spec leaves alone is the cluster's business).
 *
 * @param role events, impressions or deadLetter
 */
public record DesiredTopic(String role, String name, int partitions, int replicationFactor,
        Map<String, String> config) {
    public static final int PARTITIONS = 6;
    public static final int REPLICATION_FACTOR = 3;

    /** The pipeline's three topics: events, impressions, dead letters (in that order). */
    public static List<DesiredTopic> of(FeaturePipeline fp) {
        FeaturePipelineSpec.Topics t = fp.getSpec().kafka.topics;
        List<DesiredTopic> out = new ArrayList<>();
        out.add(of("events", t == null ? null : t.events, Pipeline.EVENTS_TOPIC));
        out.add(of("impressions", t == null ? null : t.impressions, Pipeline.IMPRESSIONS_TOPIC));
        out.add(of("deadLetter", t == null ? null : t.deadLetter, Pipeline.DEAD_LETTER_TOPIC));
        return out;
    }

    static DesiredTopic of(String role, FeaturePipelineSpec.Topic t, String defaultName) {
        Map<String, String> config = new LinkedHashMap<>();
        if (t != null && t.config != null) {
            config.putAll(new java.util.TreeMap<>(t.config));
        }
        if (t != null && t.retentionMs != null) {
            config.put("retention.ms", Long.toString(t.retentionMs));
        }
        if (t != null && t.minInsyncReplicas != null) {
            config.put("min.insync.replicas", Integer.toString(t.minInsyncReplicas));
        }
        return new DesiredTopic(role,
                t == null || t.name == null ? defaultName : t.name,
                t == null || t.partitions == null ? PARTITIONS : t.partitions,
                t == null || t.replicationFactor == null ? REPLICATION_FACTOR : t.replicationFactor,
                Map.copyOf(config));
    }

    public static DesiredTopic events(FeaturePipeline fp) {
        return of(fp).get(0);
    }

    /** The topics the worker consumes (its lag is measured on these). */
    public static List<String> consumed(FeaturePipeline fp) {
        List<DesiredTopic> all = of(fp);
        return List.of(all.get(0).name(), all.get(1).name());
    }
}
