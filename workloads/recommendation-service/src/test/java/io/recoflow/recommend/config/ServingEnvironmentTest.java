package io.recoflow.recommend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.common.contract.Serving;
import io.recoflow.recommend.RecommendApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class ServingEnvironmentTest {
    static StandardEnvironment env(Map<String, Object> vars, String configName) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("defaults", Map.of("spring.config.name", configName)));
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, vars));
        new ServingEnvironment().postProcessEnvironment(env, new SpringApplication());
        return env;
    }

    @Test
    void mapsTheRenderedEnvironment() {
        StandardEnvironment env = env(Map.of(
                Serving.ENV_RUNTIME, Serving.RUNTIME_EMBEDDED,
                Serving.ENV_MODEL_NAME, "recommender",
                Serving.ENV_MODEL_BASE_PATH, "file:///models/recommender",
                Serving.ENV_SERVING_FILE, "/etc/recoflow/serving.json",
                Serving.ENV_HTTP_PORT, "8080",
                Serving.ENV_MANAGEMENT_PORT, "8081",
                Serving.ENV_EXPERIMENTS_FILE, "/etc/recoflow/experiments.yaml"), RecommendApplication.CONFIG_NAME);
        assertThat(env.getProperty("server.port")).isEqualTo("8080");
        assertThat(env.getProperty("management.server.port")).isEqualTo("8081");
        assertThat(env.getProperty("recoflow.recommend.model.base-dir")).isEqualTo("/models/recommender");
        assertThat(env.getProperty("recoflow.recommend.serving.file")).isEqualTo("/etc/recoflow/serving.json");
        assertThat(env.getProperty("recoflow.recommend.serving.runtime")).isEqualTo("embedded");
        assertThat(env.getProperty("recoflow.recommend.model.tf-serving-model-name")).isEqualTo("recommender");
        assertThat(env.getProperty("recoflow.recommend.experiments.file")).isEqualTo("/etc/recoflow/experiments.yaml");
        assertThat(env.getProperty("recoflow.recommend.model.tf-serving-url")).isNull();
    }

    @Test
    void leavesOtherApplicationsInTheJvmAlone() {
        StandardEnvironment env = env(Map.of(Serving.ENV_HTTP_PORT, "8080"), "event-collector");
        assertThat(env.getPropertySources().contains(ServingEnvironment.SOURCE)).isFalse();
    }

    @Test
    void acceptsLocalPathsOnly() {
        assertThat(ServingEnvironment.localPath("/models/x")).isEqualTo("/models/x");
        assertThat(ServingEnvironment.localPath("models")).isEqualTo("models");
        assertThat(ServingEnvironment.localPath("file:/models/x")).isEqualTo("/models/x");
        assertThatThrownBy(() -> ServingEnvironment.localPath("s3://bucket/models"))
                .hasMessageContaining(Serving.ENV_MODEL_BASE_PATH);
        assertThatThrownBy(() -> env(Map.of(Serving.ENV_RUNTIME, "triton"), RecommendApplication.CONFIG_NAME))
                .hasMessageContaining("triton");
    }
}
