package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.model.analysis.PrometheusFixture;
import io.recoflow.operator.model.analysis.PrometheusFixture.Behaviour;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After a rollout the serving version stays watched against spec.slo in a real Prometheus: version 2 passes every
 * canary step and is promoted, then turns slow and erroring; a breach that lasts a whole spec.slo.window demotes it
 * to version 1, through the same path as a failed canary.
 */
class SloDemotionTest extends OperatorHarness {
    static final Behaviour HEALTHY = new Behaviour(0.008, 0);
    static PrometheusFixture prom;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prom = PrometheusFixture.start().version(1, HEALTHY).version(2, HEALTHY);
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

    @Test
    void aPromotedVersionThatKeepsBreakingItsSloIsDemotedToTheVersionBefore() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.34);
        var model = Fixtures.model("retail-recs", Strategy.CANARY, 300);
        model.getSpec().slo.window = "10s";
        create(model);
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == 1);
        promote("retail-recs-v2");
        await(Duration.ofSeconds(10), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut
                && r.getStatus().stepReadyAt != null);
        for (int weight : new int[] {50, 100}) {
            clock.advance(Duration.ofSeconds(61));
            await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> Integer.valueOf(weight)
                    .equals(r.getStatus().canaryWeight) && r.getStatus().stepReadyAt != null);
        }
        clock.advance(Duration.ofSeconds(31));
        RecommendationModel promoted = await(Duration.ofSeconds(20), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == 2
                        && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(promoted.getStatus().lastStableVersion).isEqualTo(2L);
        assertThat(promoted.getStatus().previousStableSpec.version).isEqualTo(1L);
        assertThat(promoted.getStatus().previousStableSpec.image).isNotNull();
        assertThat(ArgoHealthTest.health(promoted).status()).isEqualTo("Healthy");

        // healthy while watched: windows go by, nothing happens
        clock.advance(Duration.ofSeconds(30));
        Thread.sleep(1000);
        assertThat(rm("retail-recs").getStatus()).satisfies(s -> {
            assertThat(s.phase).isEqualTo(ModelPhase.Serving);
            assertThat(s.servingVersion).isEqualTo(2L);
            assertThat(s.breachSince).isNull();
        });

        prom.version(2, new Behaviour(0.3, 0.3));
        // the first failing look starts the breach; on its own it demotes nothing
        RecommendationModel breaching = await(Duration.ofSeconds(20), () -> rm("retail-recs"),
                r -> r.getStatus().breachSince != null);
        assertThat(breaching.getStatus().phase).isEqualTo(ModelPhase.Serving);
        assertThat(breaching.getStatus().servingVersion).isEqualTo(2L);
        assertThat(breaching.getStatus().analysis.result).isEqualTo("Fail");
        assertThat(breaching.getStatus().analysis.step).isNull();

        advanceUntil(Duration.ofSeconds(2), Duration.ofSeconds(60),
                () -> rm("retail-recs").getStatus().phase == ModelPhase.RolledBack);
        RecommendationModel rm = rm("retail-recs");
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm.getStatus().lastStableVersion).isEqualTo(1L);
        assertThat(rm.getStatus().lastFailedVersion).isEqualTo(2L);
        assertThat(rm.getStatus().previousStableSpec).isNull();
        assertThat(rm.getStatus().breachSince).isNull();
        assertThat(rm.getStatus().analysis.version).isEqualTo(2L);
        assertThat(rm.getStatus().analysis.result).isEqualTo("Fail");
        assertThat(rm.getStatus().analysis.p95LatencyMs).isGreaterThan(50.0);
        assertThat(rm.getStatus().analysis.errorRate).isGreaterThan(0.01);
        assertThat(Conditions.get(rm.getStatus().conditions, Conditions.DEGRADED).orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("SloBreachDemoted");
            assertThat(c.getMessage()).contains("serving version 2 broke the SLO for a whole window (10s")
                    .contains("> SLO 50ms").contains("> SLO 0.01000").contains("demoted to version 1");
        });
        awaitEvent("retail-recs", "Warning", "SloBreachDemoted");
        assertThat(events("retail-recs")).filteredOn(e -> "SloBreachDemoted".equals(e.getReason()))
                .singleElement().satisfies(e -> assertThat(e.getMessage()).contains("Version 2 broke the SLO for")
                        .contains("p95 latency").contains("error rate").contains("restored version 1"));
        assertThat(configMap("retail-recs-blue").getData().get("models.config"))
                .contains("versions: 1").doesNotContain("versions: 2");

        var v2 = await(Duration.ofSeconds(10), () -> mv("retail-recs-v2"),
                m -> m.getStatus().phase == VersionPhase.RolledBack);
        assertThat(v2.getStatus().message).contains("version 2 broke its SLO while serving")
                .contains("was demoted");
        awaitEvent("retail-recs-v2", "Warning", "RolledBack");

        var verdict = ArgoHealthTest.health(rm);
        assertThat(verdict.status()).isEqualTo("Degraded");
        assertThat(verdict.message()).contains("demoted to version 1");
        assertThat(ArgoHealthTest.health(v2).status()).isEqualTo("Degraded");
        assertThat(ArgoHealthTest.health(mv("retail-recs-v1")).status()).isEqualTo("Healthy");

        // like a failed canary, the demoted version is not rolled out again while it stays the target
        clock.advance(Duration.ofSeconds(600));
        Thread.sleep(1000);
        assertThat(rm("retail-recs").getStatus().phase).isEqualTo(ModelPhase.RolledBack);
        assertThat(rm("retail-recs").getStatus().servingVersion).isEqualTo(1L);
        assertThat(hasEvent("retail-recs", "Warning", "AnalysisFailed")).isFalse();
    }
}
