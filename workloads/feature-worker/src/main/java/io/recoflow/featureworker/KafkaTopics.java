package io.recoflow.featureworker;

import io.recoflow.common.kafka.ClientProperties;
import io.recoflow.common.kafka.TopicAdmin;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The worker's Kafka admin: the consumed topics and the dead-letter topic, created when missing (a FeaturePipeline's
 * operator creates them first; then they exist and nothing is created), and the health probe.
 */
@Component
class KafkaTopics extends TopicAdmin {

    KafkaTopics(WorkerProperties props) {
        super(ClientProperties.load(props.kafkaPropertiesFile()), props.bootstrapServers(), "feature-worker-admin",
                props.healthTimeout(), Stream.concat(props.topics().stream(), Stream.of(props.deadLetterTopic()))
                        .distinct()
                        .map(t -> new NewTopic(t, props.topicPartitions(), props.topicReplication()))
                        .toList());
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        ensureInBackground("worker-topic-init");
    }
}
