package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With per-resource metrics on, each model has its own reconcile series, and those of a deleted model go away
 * (after the cleanup delay, a minute in production) instead of piling up for every model ever created.
 */
class PerResourceMetricsTest extends OperatorHarness {
    static final String MODEL_SERIES = "name=\"retail-recs\"";
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Override
    MeterRegistry meters() {
        return registry;
    }

    @Override
    Settings settings() {
        return Settings.forTests().withPerResourceMetrics(true).withMetricsCleanupDelay(Duration.ofSeconds(1));
    }

    @Test
    void perResourceSeriesExistWhileTheModelDoesAndAreRemovedAfterItIsDeleted() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.3);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"),
                r -> r.getStatus() != null && r.getStatus().phase == ModelPhase.Serving);
        String scrape = registry.scrape();
        assertThat(scrape).contains("operator_sdk_reconciliations_started_total{").contains(MODEL_SERIES)
                .contains("resource_name=\"retail-recs\"").contains("name=\"retail-recs-v1\"");

        client.resources(RecommendationModel.class).inNamespace(NS).withName("retail-recs").delete();
        await(Duration.ofSeconds(30), () -> registry.scrape(), s -> !s.contains(MODEL_SERIES)
                && !s.contains("resource_name=\"retail-recs\""));
        // the version still exists: its series stay
        assertThat(registry.scrape()).contains("name=\"retail-recs-v1\"");
    }
}
