package io.recoflow.featureworker;

import io.recoflow.common.Topics;
import io.recoflow.common.kafka.TopicAdmin;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The worker's Kafka admin: the events topic and its dead-letter topic, created when missing, and the health probe. */
@Component
class KafkaTopics extends TopicAdmin {

    KafkaTopics(WorkerProperties props) {
        super(props.bootstrapServers(), "feature-worker-admin", props.healthTimeout(), List.of(
                new NewTopic(Topics.EVENTS, props.topicPartitions(), props.topicReplication()),
                new NewTopic(Topics.EVENTS_DLT, props.topicPartitions(), props.topicReplication())));
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        ensureInBackground("worker-topic-init");
    }
}
