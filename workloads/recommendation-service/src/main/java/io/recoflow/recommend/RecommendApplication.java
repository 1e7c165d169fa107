package io.recoflow.recommend;

import io.recoflow.recommend.config.RecommendProperties;
import io.recoflow.recommend.config.ServingEnvironment;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

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

    /**
     * Starts the service as a pod would run it: {@code env} plays the container's environment (the operator's
     * {@code RECOFLOW_*} variables, see {@link ServingEnvironment}, and Spring's relaxed names such as
     * {@code RECOFLOW_RECOMMEND_REDIS_PORT}) and ranks above the JVM's own environment; {@code args} are
     * command-line arguments ({@code --name=value}) above both. Pass {@code RECOFLOW_HTTP_PORT=0} and
     * {@code RECOFLOW_MANAGEMENT_PORT=0} for free ports, then read {@code local.server.port} and
     * {@code local.management.port} from the context's environment.
     */
    public static ConfigurableApplicationContext startWithEnv(Map<String, String> env, String... args) {
        StandardEnvironment environment = new StandardEnvironment();
        // the "-systemEnvironment" suffix gives it the OS environment's relaxed binding (RECOFLOW_RECOMMEND_X_Y)
        environment.getPropertySources().addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource("pod-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new java.util.LinkedHashMap<String, Object>(env)));
        return builder().environment(environment).run(args);
    }

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(RecommendApplication.class)
                .properties(Map.of("spring.config.name", CONFIG_NAME));
    }
}
