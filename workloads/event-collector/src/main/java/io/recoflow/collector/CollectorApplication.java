package io.recoflow.collector;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Event collector: {@code POST /v1/events} and {@code /v1/events:batch} into Kafka.
 *
 * <p>All defaults live in {@link #defaults()} (lowest precedence) and the app reads {@code event-collector.properties}
 * instead of {@code application.properties}, so it can share a JVM with the other data-plane apps (e2e) without
 * picking up their config. Environment variables win over the defaults; {@link #start(Map)} overrides win over both.
 */
@SpringBootApplication(exclude = KafkaAutoConfiguration.class)
@ConfigurationPropertiesScan
public class CollectorApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Starts the collector with {@code properties} over everything else, e.g. {@code server.port=0}. */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        // as command-line arguments: they outrank environment variables and system properties
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(CollectorApplication.class).properties(defaults());
    }

    static Map<String, Object> defaults() {
        return Map.ofEntries(
                Map.entry("spring.config.name", "event-collector"),
                Map.entry("spring.application.name", "event-collector"),
                Map.entry("server.port", 8080),
                Map.entry("server.shutdown", "graceful"),
                Map.entry("spring.mvc.problemdetails.enabled", true),
                Map.entry("management.endpoints.web.exposure.include", "health,info,prometheus,metrics"),
                Map.entry("management.endpoint.health.probes.enabled", true),
                Map.entry("management.endpoint.health.show-details", "always"),
                Map.entry("management.endpoint.health.group.readiness.include", "readinessState,kafka"),
                Map.entry("management.endpoint.health.group.liveness.include", "livenessState"),
                Map.entry("management.metrics.tags.application", "event-collector"),
                Map.entry("management.metrics.distribution.percentiles-histogram.http.server.requests", true),
                Map.entry("logging.structured.format.console", "logstash"),
                // readiness and our own warnings report an unreachable broker; the client would log it every second
                Map.entry("logging.level.org.apache.kafka", "WARN"),
                Map.entry("logging.level.org.apache.kafka.clients.NetworkClient", "ERROR"));
    }
}
