package io.recoflow.recommend;

import io.recoflow.recommend.config.RecommendProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Online recommendation service: Redis features + a SavedModel (embedded or TF Serving) + popularity fallback. */
// Kafka auto-configuration is off: the impression producer is built by hand so it can never block a request.
@SpringBootApplication(exclude = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(RecommendProperties.class)
public class RecommendApplication {
    public static void main(String[] args) {
        SpringApplication.run(RecommendApplication.class, args);
    }
}
