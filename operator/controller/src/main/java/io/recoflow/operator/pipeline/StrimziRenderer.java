package io.recoflow.operator.pipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * topicManagement strimzi: the pipeline's topics as Strimzi {@code kafka.strimzi.io/v1} KafkaTopic resources
 * (the Topic Operator creates and corrects them in Kafka). The resource is named after the pipeline and the role
 * (a topic name may hold characters a Kubernetes name may not); spec.topicName carries the topic's name.
 */
public final class StrimziRenderer {
    public static final String CLUSTER_LABEL = "strimzi.io/cluster";
    /** The version Strimzi 1.x serves (the only one of its CRD); the model class's default is older. */
    public static final String API_VERSION = "kafka.strimzi.io/v1";
    public static final String KIND = "KafkaTopic";
    /** Named, not discovered: the client cannot look a kind up where its CRD is missing. */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("kafka.strimzi.io").withVersion("v1").withKind(KIND).withPlural("kafkatopics")
            .withNamespaced(true).build();

    private StrimziRenderer() {}

    public static String name(FeaturePipeline fp, DesiredTopic t) {
        return fp.getMetadata().getName() + "-" + t.role().toLowerCase();
    }

    public static KafkaTopic render(FeaturePipeline fp, DesiredTopic t) {
        Map<String, String> labels = new LinkedHashMap<>(PipelineNames.labels(fp, "topic"));
        labels.put(CLUSTER_LABEL, fp.getSpec().kafka.strimziCluster);
        // no owner reference: garbage collection would delete the topic's data with the pipeline, which
        // deletionPolicy retain promises not to do (the reconciler deletes them itself for delete)
        ObjectMeta meta = new ObjectMetaBuilder().withName(name(fp, t)).withNamespace(fp.getMetadata().getNamespace())
                .withLabels(labels).build();
        Map<String, Object> config = new TreeMap<>(t.config());
        return new KafkaTopicBuilder()
                .withApiVersion(API_VERSION)
                .withMetadata(meta)
                .withNewSpec()
                    .withTopicName(t.name())
                    .withPartitions(t.partitions())
                    .withReplicas(t.replicationFactor())
                    .withConfig(config)
                .endSpec()
                .build();
    }

    /** As sent: through the generic client, so the request goes to v1 whatever the model class declares. */
    public static GenericKubernetesResource generic(KafkaTopic t) {
        return Serialization.unmarshal(Serialization.asJson(t), GenericKubernetesResource.class);
    }

    public static KafkaTopic typed(GenericKubernetesResource r) {
        return Serialization.unmarshal(Serialization.asJson(r), KafkaTopic.class);
    }
}
