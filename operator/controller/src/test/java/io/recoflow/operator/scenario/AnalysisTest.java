package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.model.analysis.PrometheusFixture;
import io.recoflow.operator.model.analysis.PrometheusFixture.Behaviour;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canary rollouts gated by a real Prometheus: version 1 stable, version 2 slow and erroring (rolled back at the
 * end of step 1), version 3 healthy (promoted through all steps).
 */
class AnalysisTest extends OperatorHarness {
    static PrometheusFixture prom;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prom = PrometheusFixture.start()
                .version(1, new Behaviour(0.008, 0))
                .version(2, new Behaviour(0.3, 0.3))
                .version(3, new Behaviour(0.008, 0));
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        if (prom != null) {
            prom.close();
        }
    }

    @Override
    Settings settings() {
        return Settings.forTests().withPrometheusUrl(prom.url);
    }

    private void servingV1(long candidate) throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, candidate, 0.34);
        var rm = Fixtures.model("retail-recs", Strategy.CANARY, 300);
        rm.getSpec().slo.window = "10s";
        create(rm);
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", candidate, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == 1);
        promote("retail-recs-v" + candidate);
        await(Duration.ofSeconds(10), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut
                && r.getStatus().stepReadyAt != null);
    }

    @Test
    void slowErroringCanaryIsRolledBackWithTheMeasuredValues() throws Exception {
        servingV1(2);
        clock.advance(Duration.ofSeconds(61));
        var rm = await(Duration.ofSeconds(20), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.RolledBack);
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm.getStatus().lastFailedVersion).isEqualTo(2L);
        assertThat(rm.getStatus().analysis.result).isEqualTo("Fail");
        assertThat(rm.getStatus().analysis.version).isEqualTo(2L);
        assertThat(rm.getStatus().analysis.p95LatencyMs).isBetween(250.0, 500.0);
        assertThat(rm.getStatus().analysis.errorRate).isBetween(0.29, 0.31);
        assertThat(Conditions.get(rm.getStatus().conditions, Conditions.DEGRADED).orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("AnalysisFailed");
            assertThat(c.getMessage()).contains("> SLO 50ms").contains("> SLO 0.01000").contains("step 1");
        });
        awaitEvent("retail-recs", "Warning", "AnalysisFailed");
        assertThat(configMap("retail-recs-blue").getData().get("models.config"))
                .contains("versions: 1").doesNotContain("versions: 2");
    }

    @Test
    void healthyCanaryPassesEveryStepAndIsPromoted() throws Exception {
        servingV1(3);
        for (int weight : new int[] {50, 100}) {
            clock.advance(Duration.ofSeconds(61));
            // until Prometheus has two scrapes in the window the step waits (Inconclusive), then passes
            await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> Integer.valueOf(weight)
                    .equals(r.getStatus().canaryWeight) && r.getStatus().stepReadyAt != null);
        }
        clock.advance(Duration.ofSeconds(31));
        var rm = await(Duration.ofSeconds(20), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == 3);
        assertThat(rm.getStatus().analysis.result).isEqualTo("Pass");
        assertThat(rm.getStatus().analysis.step).isEqualTo(2);
        assertThat(rm.getStatus().analysis.p95LatencyMs).isBetween(5.0, 10.0);
        assertThat(rm.getStatus().analysis.message).contains("<= SLO 50ms");
        awaitEvent("retail-recs", "Normal", "Promoted");
        assertThat(hasEvent("retail-recs", "Warning", "AnalysisFailed")).isFalse();
    }
}
