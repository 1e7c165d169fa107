package io.recoflow.infra;

import io.recoflow.common.Topics;
import io.recoflow.infra.common.KafkaTopics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The infrastructure grants access to exactly the topics the workloads use. */
class ContractsTest {
    @Test
    void topicNamesMatchTheSharedContract() {
        assertThat(KafkaTopics.EVENTS).isEqualTo(Topics.EVENTS);
        assertThat(KafkaTopics.EVENTS_DLT).isEqualTo(Topics.EVENTS_DLT);
    }
}
