package io.recoflow.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.common.contract.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class CollectorPropertiesTest {
    @TempDir
    Path dir;

    /** The environment a FeaturePipeline's operator renders (Pipeline's names) binds to the collector's properties. */
    @Test
    void thePipelineContractsVariablesBind() {
        CollectorProperties p = bind(Map.of(
                Pipeline.COLLECTOR_BOOTSTRAP, "kafka-0:9093",
                Pipeline.COLLECTOR_TOPIC, "shop.events",
                Pipeline.COLLECTOR_KAFKA_PROPERTIES, Pipeline.KAFKA_MOUNT + "/" + Pipeline.KAFKA_PROPERTIES_KEY));
        assertThat(p.bootstrapServers()).isEqualTo("kafka-0:9093");
        assertThat(p.topic()).isEqualTo("shop.events");
        assertThat(p.kafkaPropertiesFile()).isEqualTo("/etc/recoflow/kafka/client.properties");
    }

    @Test
    void defaultsAreTheContractsTopicAndPlaintext() {
        CollectorProperties p = bind(Map.of());
        assertThat(p.topic()).isEqualTo(Pipeline.EVENTS_TOPIC);
        assertThat(p.kafkaPropertiesFile()).isNull();
        assertThat(EventPublisher.config(p)).doesNotContainKey("security.protocol");
    }

    /** The file's TLS/SASL settings reach the producer; the ones a 202's durability rests on stay the collector's. */
    @Test
    void theKafkaPropertiesFileIsMergedIntoTheProducerConfig() throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), """
                # from the pipeline's Kafka Secret
                security.protocol=SASL_SSL
                sasl.mechanism = SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";
                acks=1
                """);
        Map<String, Object> c = EventPublisher.config(bind(Map.of(Pipeline.COLLECTOR_KAFKA_PROPERTIES, file.toString())));
        assertThat(c).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    @Test
    void aNamedButMissingPropertiesFileIsAnError() {
        CollectorProperties p = bind(Map.of(Pipeline.COLLECTOR_KAFKA_PROPERTIES, dir.resolve("absent").toString()));
        assertThatThrownBy(() -> EventPublisher.config(p)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Kafka client properties file " + dir.resolve("absent") + " is not readable");
    }

    private static CollectorProperties bind(Map<String, Object> env) {
        StandardEnvironment e = new StandardEnvironment();
        // hermetic: only the given variables, whatever the machine running the test has set
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        // named as the process environment: Spring maps upper-case names to properties only for such a source
        e.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        e.getPropertySources().addLast(new MapPropertySource("defaults", CollectorApplication.defaults()));
        return Binder.get(e).bindOrCreate("recoflow.collector", CollectorProperties.class);
    }
}
