package io.recoflow.lakesink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.common.contract.Pipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

class SinkPropertiesTest {

    /** Exactly the variables the operator renders (Pipeline's contract) bind to the sink's properties. */
    @Test
    void theContractsVariablesBind() {
        SinkProperties p = bind(Map.ofEntries(
                Map.entry(Pipeline.SINK_BOOTSTRAP, "kafka-0:9093,kafka-1:9093"),
                Map.entry(Pipeline.SINK_GROUP, "shop-lake"),
                Map.entry(Pipeline.SINK_TOPICS, "shop.events,shop.impressions"),
                Map.entry(Pipeline.SINK_KAFKA_PROPERTIES, Pipeline.KAFKA_MOUNT + "/" + Pipeline.KAFKA_PROPERTIES_KEY),
                Map.entry(Pipeline.SINK_TARGETS,
                        "s3://lake-bucket/events,abfss://lake@shopdata.dfs.core.windows.net/raw/events"),
                Map.entry(Pipeline.SINK_FLUSH_BYTES, "67108864"),
                Map.entry(Pipeline.SINK_FLUSH_INTERVAL, "90s"),
                Map.entry(Pipeline.SINK_S3_ENDPOINT, "http://minio:9000"),
                Map.entry(Pipeline.SINK_S3_REGION, "eu-west-1"),
                Map.entry(Pipeline.SINK_AZURE_ENDPOINT, "http://azurite:10000/devstoreaccount1"),
                Map.entry(Pipeline.SINK_AZURE_CONNECTION_STRING, "UseDevelopmentStorage=true")));
        assertThat(p.bootstrapServers()).isEqualTo("kafka-0:9093,kafka-1:9093");
        assertThat(p.groupId()).isEqualTo("shop-lake");
        assertThat(p.topics()).containsExactly("shop.events", "shop.impressions");
        assertThat(p.kafkaProperties()).isEqualTo(Path.of("/etc/recoflow/kafka/client.properties"));
        assertThat(p.targets().stream().map(Target::parse)).containsExactly(
                new Target(Target.S3, "lake-bucket", null, "events"),
                new Target(Target.AZURE, "lake", "shopdata", "raw/events"));
        assertThat(p.flushBytes()).isEqualTo(DataSize.ofMegabytes(64));
        assertThat(p.flushInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.s3Endpoint()).isEqualTo("http://minio:9000");
        assertThat(p.s3Region()).isEqualTo("eu-west-1");
        assertThat(p.azureEndpoint()).isEqualTo("http://azurite:10000/devstoreaccount1");
        assertThat(p.azureConnectionString()).isEqualTo("UseDevelopmentStorage=true");
    }

    @Test
    void defaults() {
        SinkProperties p = bind(Map.of());
        assertThat(p.topics()).containsExactly(Pipeline.EVENTS_TOPIC);
        assertThat(p.targets()).isEmpty();
        assertThat(p.kafkaProperties()).isNull();
        assertThat(p.flushBytes()).isEqualTo(DataSize.ofMegabytes(32));
        assertThat(p.flushInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.crashAfterUploads()).isZero();
    }

    @Test
    void targetsParseToTheirStores() {
        Target abfss = Target.parse("abfss://lake@shopdata.dfs.core.windows.net/");
        assertThat(abfss.blobEndpoint()).isEqualTo("https://shopdata.blob.core.windows.net");
        assertThat(abfss.key("event_date=2010-12-01/a.parquet")).isEqualTo("event_date=2010-12-01/a.parquet");
        assertThat(Target.parse("s3://b/p/q/").key("x")).isEqualTo("p/q/x");
        assertThatThrownBy(() -> Target.parse("gs://b/p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Target.parse("abfss://lake@shopdata.blob.core.windows.net/p"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static SinkProperties bind(Map<String, Object> env) {
        StandardEnvironment e = new StandardEnvironment();
        // hermetic: only the given variables, as environment variables (relaxed binding of UPPER_CASE names)
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        e.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        e.getPropertySources().addLast(new MapPropertySource("defaults", SinkApplication.defaults()));
        return Binder.get(e).bindOrCreate("recoflow.sink", SinkProperties.class);
    }
}
