package io.recoflow.recommend;

import io.recoflow.recommend.config.RecommendProperties;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Online recommendation service: Redis features + a SavedModel (embedded or TF Serving) + popularity fallback.
 *
 * <p>Its defaults live in {@code recommendation-service.yml} (read instead of {@code application.*}), so it can share
 * a JVM with the collector and the feature worker (e2e) without picking up their config.
 */
// Kafka auto-configuration is off: the impression producer is built by hand so it can never block a request.
@SpringBootApplication(exclude = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(RecommendProperties.class)
public class RecommendApplication {
    public static final String CONFIG_NAME = "recommendation-service";

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * Starts the service with {@code properties} over the defaults, e.g. {@code server.port=0}. They are passed as
     * command-line arguments: builder default properties would rank below {@code recommendation-service.yml}.
     */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return builder().run(properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
    }

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(RecommendApplication.class)
                .properties(Map.of("spring.config.name", CONFIG_NAME));
    }
}
