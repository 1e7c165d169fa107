package io.recoflow.operator.model.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.spec.Slo;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real Prometheus (Debian package {@code prometheus}) scraping, every second, an endpoint this test serves:
 * version 1 is a healthy canary (8 ms, no errors), version 2 a slow (300 ms) and erroring (30%) one, version 3 has
 * no samples at all.
 */
class PrometheusAnalysisTest {
    static PrometheusFixture prom;
    static URI url;

    @BeforeAll
    static void start() throws Exception {
        prom = PrometheusFixture.start()
                .version(1, new PrometheusFixture.Behaviour(0.008, 0))
                .version(2, new PrometheusFixture.Behaviour(0.3, 0.3));
        url = prom.url;
    }

    @AfterAll
    static void stop() throws IOException {
        if (prom != null) {
            prom.close();
        }
    }

    static Slo slo() {
        Slo s = new Slo();
        s.p95LatencyMs = 50;
        s.maxErrorRate = 0.05;
        s.window = "10s";
        return s;
    }

    @Test
    void healthyCanaryPassesSlowErroringCanaryFailsUnseenIsInconclusive() {
        PrometheusAnalysis analysis = new PrometheusAnalysis(url, Duration.ofSeconds(5));
        // until two scrapes are in the window rate() has nothing: Inconclusive, never a wrong verdict
        Awaitility.await("healthy canary judged").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> !(analysis.analyze("ns", "recs", 1, slo()) instanceof AnalysisResult.Inconclusive));

        AnalysisResult healthy = analysis.analyze("ns", "recs", 1, slo());
        assertThat(healthy).isInstanceOf(AnalysisResult.Pass.class);
        assertThat(healthy.measured().p95LatencyMs()).isBetween(5.0, 10.0);
        assertThat(healthy.measured().errorRate()).isEqualTo(0.0);

        AnalysisResult bad = analysis.analyze("ns", "recs", 2, slo());
        assertThat(bad).isInstanceOf(AnalysisResult.Fail.class);
        assertThat(bad.measured().p95LatencyMs()).isBetween(250.0, 500.0);
        assertThat(bad.measured().errorRate()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(bad.message()).contains("p95 latency").contains("> SLO 50ms").contains("error rate")
                .contains("> SLO 0.05000");

        AnalysisResult unseen = analysis.analyze("ns", "recs", 3, slo());
        assertThat(unseen).isInstanceOf(AnalysisResult.Inconclusive.class);
        assertThat(unseen.message()).contains("no data for p95 latency, error rate");
    }

    @Test
    void badQueryAndDeadPrometheusAreInconclusiveWithTheReason() throws IOException {
        Slo s = slo();
        s.p95LatencyQuery = "histogram_quantile(0.95, rate(";
        AnalysisResult bad = new PrometheusAnalysis(url, Duration.ofSeconds(5)).analyze("ns", "recs", 1, s);
        assertThat(bad).isInstanceOf(AnalysisResult.Inconclusive.class);
        assertThat(bad.message()).contains("Prometheus rejected query (bad_data");

        s.p95LatencyQuery = "recoflow_recommend_scoring_seconds_count";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> new PrometheusAnalysis(url,
                Duration.ofSeconds(5)).analyze("ns", "recs", 1, s).message().contains("series; aggregate it"));

        AnalysisResult dead = new PrometheusAnalysis(URI.create("http://127.0.0.1:" + PrometheusFixture.freePort()),
                Duration.ofSeconds(2)).analyze("ns", "recs", 1, slo());
        assertThat(dead).isInstanceOf(AnalysisResult.Inconclusive.class);
        assertThat(dead.message()).contains("unreachable");
    }
}
