package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.common.contract.FeatureSettings;
import io.recoflow.common.contract.Pipeline;
import io.recoflow.common.contract.Serving;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class WorkerPropertiesTest {

    /** The operator renders the same variable for the service and the worker (Serving's contract). */
    @Test
    void theContractsVariableNamesTheExperimentFile() {
        assertThat(bind(Map.of(Serving.ENV_EXPERIMENTS_FILE, Serving.EXPERIMENTS_FILE)).experiments().path())
                .isEqualTo(Path.of("/etc/recoflow/experiment/experiments.yaml"));
        WorkerProperties none = bind(Map.of());
        assertThat(none.experiments().path()).isNull();
        assertThat(none.experiments().pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(none.experiments().refreshInterval()).isEqualTo(Duration.ofSeconds(5));
        // the worker's own property still wins
        assertThat(bind(Map.of(Serving.ENV_EXPERIMENTS_FILE, "/a", "recoflow.worker.experiments.file", "/b"))
                .experiments().path()).isEqualTo(Path.of("/b"));
    }

    /** The environment a FeaturePipeline's operator renders (Pipeline's names) binds to the worker's properties. */
    @Test
    void thePipelineContractsVariablesBind() {
        WorkerProperties p = bind(Map.of(
                Pipeline.WORKER_BOOTSTRAP, "kafka-0:9093",
                Pipeline.WORKER_GROUP, "shop-features",
                Pipeline.WORKER_TOPICS, "shop.events,shop.impressions",
                Pipeline.WORKER_DEAD_LETTER_TOPIC, "shop.events.DLT",
                Pipeline.WORKER_KAFKA_PROPERTIES, Pipeline.KAFKA_MOUNT + "/" + Pipeline.KAFKA_PROPERTIES_KEY,
                Pipeline.WORKER_REDIS_HOST, "redis.shop",
                Pipeline.WORKER_REDIS_PORT, "6380",
                Pipeline.WORKER_REDIS_TLS, "true",
                Pipeline.WORKER_REDIS_PASSWORD, "from-a-secret",
                Pipeline.WORKER_FEATURES_FILE, Pipeline.FEATURES_FILE));
        assertThat(p.bootstrapServers()).isEqualTo("kafka-0:9093");
        assertThat(p.groupId()).isEqualTo("shop-features");
        assertThat(p.topics()).containsExactly("shop.events", "shop.impressions");
        assertThat(p.deadLetterTopic()).isEqualTo("shop.events.DLT");
        assertThat(p.kafkaPropertiesFile()).isEqualTo("/etc/recoflow/kafka/client.properties");
        assertThat(p.redisHost()).isEqualTo("redis.shop");
        assertThat(p.redisPort()).isEqualTo(6380);
        assertThat(p.redisTls()).isTrue();
        assertThat(p.redisPassword()).isEqualTo("from-a-secret");
        assertThat(p.featuresFile()).isEqualTo("/etc/recoflow/features/features.json");
    }

    /** Without a pipeline: today's names, no TLS, no password, the built-in feature settings. */
    @Test
    void defaultsAreTheContractsDefaultTopicsAndNoSecurity() {
        WorkerProperties p = bind(Map.of());
        assertThat(p.topics()).containsExactly(Pipeline.EVENTS_TOPIC, Pipeline.IMPRESSIONS_TOPIC);
        assertThat(p.deadLetterTopic()).isEqualTo(Pipeline.DEAD_LETTER_TOPIC);
        assertThat(p.kafkaPropertiesFile()).isNull();
        assertThat(p.redisTls()).isFalse();
        assertThat(p.redisPassword()).isNull();
        assertThat(p.featuresFile()).isNull();
        assertThat(Features.load(p.featuresFile())).isEqualTo(FeatureSettings.DEFAULTS);
    }

    private static WorkerProperties bind(Map<String, Object> env) {
        StandardEnvironment e = new StandardEnvironment();
        // hermetic: only the given variables, whatever the machine running the test has set
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        // named as the process environment: Spring maps upper-case names to properties only for such a source
        e.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        e.getPropertySources().addLast(new MapPropertySource("defaults", WorkerApplication.defaults()));
        return Binder.get(e).bindOrCreate("recoflow.worker", WorkerProperties.class);
    }
}
