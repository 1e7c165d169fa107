package io.recoflow.collector;

import io.recoflow.common.kafka.ClientProperties;
import io.recoflow.common.kafka.TopicAdmin;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The collector's Kafka admin: the events topic, created when missing, and the health probe's cluster view. */
@Component
class KafkaTopics extends TopicAdmin {

    KafkaTopics(CollectorProperties props) {
        super(ClientProperties.load(props.kafkaPropertiesFile()), props.bootstrapServers(), "event-collector-admin",
                props.healthTimeout(), List.of(new NewTopic(props.topic(), props.topicPartitions(),
                        props.topicReplication())));
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        ensureInBackground("collector-topic-init");
    }
}
