package io.recoflow.lakesink;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Lake sink: consumes the events topic(s) and writes them, exactly once, as Parquet files partitioned by event date
 * to every configured data-lake target (S3, Azure Blob); see {@link SinkLoop} for the exactly-once rule.
 *
 * <p>As the other data-plane apps: all defaults live in {@link #defaults()} (lowest precedence) and the app reads
 * {@code lake-sink.properties} instead of {@code application.properties}, so it can share a JVM with them;
 * environment variables win over the defaults, {@link #start(Map)} overrides win over both.
 */
@SpringBootApplication(exclude = KafkaAutoConfiguration.class)
@ConfigurationPropertiesScan
public class SinkApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Starts the sink with {@code properties} over everything else, e.g. {@code server.port=0}. */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(SinkApplication.class).properties(defaults());
    }

    static Map<String, Object> defaults() {
        return Map.ofEntries(
                Map.entry("spring.config.name", "lake-sink"),
                Map.entry("spring.application.name", "lake-sink"),
                Map.entry("server.port", 8083),
                Map.entry("server.shutdown", "graceful"),
                Map.entry("management.endpoints.web.exposure.include", "health,info,prometheus,metrics"),
                Map.entry("management.endpoint.health.probes.enabled", true),
                Map.entry("management.endpoint.health.show-details", "always"),
                Map.entry("management.endpoint.health.group.readiness.include", "readinessState,kafka,targets"),
                Map.entry("management.endpoint.health.group.liveness.include", "livenessState"),
                Map.entry("management.metrics.tags.application", "lake-sink"),
                Map.entry("logging.structured.format.console", "logstash"),
                Map.entry("logging.level.org.apache.kafka", "WARN"),
                Map.entry("logging.level.org.apache.kafka.clients.NetworkClient", "ERROR"),
                // Parquet logs every file it opens at INFO
                Map.entry("logging.level.org.apache.parquet", "WARN"),
                // the JDK client drops the SDK's content-length header (it sets its own) and warns per request
                Map.entry("logging.level.com.azure.core.http.jdk.httpclient.JdkHttpClient", "ERROR"));
    }
}
