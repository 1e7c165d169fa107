package io.recoflow.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.operator.OperatorFactory;
import java.net.URI;
import java.time.Duration;
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

    @Test
    void productionRetriesFromOneSecondWithoutLimitAndKeepsDeletedSeriesAMinute() {
        Settings s = Settings.fromEnv(Map.of());
        assertThat(s.retryInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.metricsCleanupDelay()).isEqualTo(Duration.ofSeconds(60));
        var retry = OperatorFactory.retry(s.retryInterval());
        assertThat(retry.getInitialInterval()).isEqualTo(1000);
        assertThat(retry.getIntervalMultiplier()).isEqualTo(2.0);
        assertThat(retry.getMaxInterval()).isEqualTo(300_000);
        assertThat(retry.getMaxAttempts()).as("no limit: JOSDK's default gives up after 5").isNegative();
        assertThat(Settings.forTests().withRetryInterval(Duration.ofMillis(100)).retryInterval())
                .isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void membersAreProbedEvery30SecondsAndKubeconfigsReadInTheOperatorsNamespace() {
        Settings s = Settings.fromEnv(Map.of());
        assertThat(s.probeInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.namespace()).as("unset: the client's namespace").isNull();
        Settings set = Settings.fromEnv(Map.of("RECOFLOW_CLUSTER_PROBE_SECONDS", "10",
                "RECOFLOW_NAMESPACE", "recoflow-system"));
        assertThat(set.probeInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(set.namespace()).isEqualTo("recoflow-system");
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RECOFLOW_CLUSTER_PROBE_SECONDS", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RECOFLOW_CLUSTER_PROBE_SECONDS");
        assertThat(Settings.forTests().namespace()).isEqualTo(Settings.DEPLOY_NAMESPACE);
    }
}
