package io.recoflow.infra;

import io.recoflow.infra.common.KafkaTopics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The infrastructure grants access to exactly the topics the workloads use (io.recoflow.common.Topics). Read
 * reflectively: the contracts module is on the test classpath in the reactor build, not in a standalone
 * `mvn` run inside pulumi/ (see pulumi/.mvn/maven.config), where this check is skipped.
 */
class ContractsTest {
    @Test
    void topicNamesMatchTheSharedContract() throws Exception {
        Class<?> topics;
        try {
            topics = Class.forName("io.recoflow.common.Topics");
        } catch (ClassNotFoundException e) {
            assumeTrue(false, "recoflow-workloads-common not on the classpath (standalone build)");
            return;
        }
        assertThat(KafkaTopics.EVENTS).isEqualTo(topics.getField("EVENTS").get(null));
        assertThat(KafkaTopics.EVENTS_DLT).isEqualTo(topics.getField("EVENTS_DLT").get(null));
    }
}
