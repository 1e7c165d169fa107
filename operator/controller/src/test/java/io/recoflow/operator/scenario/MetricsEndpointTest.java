package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.core.MetricsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest extends OperatorHarness {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Override
    MeterRegistry meters() {
        return registry;
    }

    @Test
    void metricsExposeReconcileTimersAndHealthzReportsReady() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.3);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"),
                r -> r.getStatus() != null && r.getStatus().phase == ModelPhase.Serving);
        try (MetricsServer server = new MetricsServer(0, registry, operator)) {
            HttpResponse<String> health = get(server, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(get(server, "/livez").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body()).contains("operator_sdk_").contains("recommendationmodel");
            // by default one series per controller, none per resource (1,000 models would be tens of MB)
            assertThat(metrics.body()).contains("operator_sdk_reconciliations_started_total")
                    .doesNotContain("name=\"retail-recs\"").doesNotContain("resource_name=")
                    .doesNotContain("name=\"retail-recs-v1\"").doesNotContain("namespace=\"recs\"");
        }
    }

    private static HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
