package io.recoflow.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void prometheusUrlTurnsAnalysisOnAndIsChecked() {
        assertThat(Settings.fromEnv(Map.of()).prometheusUrl()).isNull();
        assertThat(Settings.fromEnv(Map.of("RECOFLOW_PROMETHEUS_URL", " ")).prometheusUrl()).isNull();
        assertThat(Settings.fromEnv(Map.of("RECOFLOW_PROMETHEUS_URL", "http://prom.monitoring.svc:9090"))
                .prometheusUrl()).isEqualTo(URI.create("http://prom.monitoring.svc:9090"));
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RECOFLOW_PROMETHEUS_URL", "prom:9090")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RECOFLOW_PROMETHEUS_URL");
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RECOFLOW_PROMETHEUS_URL", "http://a b")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
