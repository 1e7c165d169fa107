package io.recoflow.featureworker;

import io.recoflow.common.contract.Serving;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Feature worker: consumes {@code recoflow.events} and maintains the online features in Redis per
 * {@link io.recoflow.common.RedisKeys}.
 *
 * <p>All defaults live in {@link #defaults()} (lowest precedence) and the app reads {@code feature-worker.properties}
 * instead of {@code application.properties}, so it can share a JVM with the other data-plane apps (e2e) without
 * picking up their config. Environment variables win over the defaults; {@link #start(Map)} overrides win over both.
 */
@SpringBootApplication(exclude = KafkaAutoConfiguration.class)
@ConfigurationPropertiesScan
public class WorkerApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Starts the worker with {@code properties} over everything else, e.g. {@code server.port=0}. */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        // as command-line arguments: they outrank environment variables and system properties
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WorkerApplication.class).properties(defaults());
    }

    static Map<String, Object> defaults() {
        return Map.ofEntries(
                Map.entry("spring.config.name", "feature-worker"),
                Map.entry("spring.application.name", "feature-worker"),
                Map.entry("server.port", 8081),
                Map.entry("server.shutdown", "graceful"),
                Map.entry("management.endpoints.web.exposure.include", "health,info,prometheus,metrics"),
                Map.entry("management.endpoint.health.probes.enabled", true),
                Map.entry("management.endpoint.health.show-details", "always"),
                Map.entry("management.endpoint.health.group.readiness.include", "readinessState,kafka,redis"),
                Map.entry("management.endpoint.health.group.liveness.include", "livenessState"),
                Map.entry("management.metrics.tags.application", "feature-worker"),
                // the variable the operator renders for the service and the worker alike (Serving's contract)
                Map.entry("recoflow.worker.experiments.file", "${" + Serving.ENV_EXPERIMENTS_FILE + ":}"),
                Map.entry("logging.structured.format.console", "logstash"),
                // readiness and our own warnings report an unreachable broker; the client would log it every second
                Map.entry("logging.level.org.apache.kafka", "WARN"),
                Map.entry("logging.level.org.apache.kafka.clients.NetworkClient", "ERROR"));
    }
}
