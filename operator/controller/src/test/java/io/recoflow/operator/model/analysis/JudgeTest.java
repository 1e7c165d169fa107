package io.recoflow.operator.model.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.model.analysis.AnalysisResult.Measured;
import io.recoflow.operator.api.spec.Slo;
import org.junit.jupiter.api.Test;

class JudgeTest {
    private static Slo slo(Integer p95, Double err) {
        Slo s = new Slo();
        s.p95LatencyMs = p95;
        s.maxErrorRate = err;
        return s;
    }

    @Test
    void withinBoundsPasses() {
        AnalysisResult r = Judge.judge(3, slo(50, 0.01), new Measured(12.5, 0.001));
        assertThat(r).isInstanceOf(AnalysisResult.Pass.class);
        assertThat(r.message()).contains("p95 latency 12.50ms <= SLO 50ms");
    }

    @Test
    void slowCanaryFailsWithMeasuredValue() {
        AnalysisResult r = Judge.judge(3, slo(50, 0.01), new Measured(180.0, 0.0));
        assertThat(r).isInstanceOf(AnalysisResult.Fail.class);
        assertThat(r.message()).isEqualTo("version 3: p95 latency 180ms > SLO 50ms");
        assertThat(r.measured().p95LatencyMs()).isEqualTo(180.0);
    }

    @Test
    void erroringCanaryFails() {
        AnalysisResult r = Judge.judge(4, slo(null, 0.05), new Measured(null, 0.2));
        assertThat(r).isInstanceOf(AnalysisResult.Fail.class);
        assertThat(r.message()).contains("error rate 0.2000 > SLO 0.05000");
    }

    @Test
    void missingDataIsInconclusiveButABrokenBoundStillFails() {
        assertThat(Judge.judge(4, slo(50, 0.05), new Measured(null, 0.0)))
                .isInstanceOf(AnalysisResult.Inconclusive.class);
        assertThat(Judge.judge(4, slo(50, 0.05), new Measured(Double.NaN, null)).message())
                .contains("no data for p95 latency, error rate");
        assertThat(Judge.judge(4, slo(50, 0.05), new Measured(null, 0.5)))
                .isInstanceOf(AnalysisResult.Fail.class);
    }

    @Test
    void boundIsInclusiveAndInfinityFails() {
        assertThat(Judge.judge(1, slo(50, null), new Measured(50.0, null))).isInstanceOf(AnalysisResult.Pass.class);
        assertThat(Judge.judge(1, slo(50, null), new Measured(Double.POSITIVE_INFINITY, null)).message())
                .contains("+Infms > SLO 50ms");
    }

    @Test
    void noSloIsOff() {
        assertThat(Judge.judge(1, null, Measured.NONE)).isInstanceOf(AnalysisResult.Off.class);
        assertThat(Judge.judge(1, new Slo(), Measured.NONE)).isInstanceOf(AnalysisResult.Off.class);
    }

    @Test
    void queriesRenderPlaceholdersAndHonourOverrides() {
        Slo s = slo(50, 0.01);
        Queries d = Queries.of(s);
        assertThat(d.render(d.p95LatencyMs(), "ns", "recs", 7))
                .contains("model_version=\"7\"").contains("[1m]").doesNotContain("{version}").doesNotContain("{window}");
        s.window = "30s";
        s.p95LatencyQuery = "max(tfs_latency{ns=\"{namespace}\",m=\"{model}\",v=\"{version}\"}[{window}])";
        Queries o = Queries.of(s);
        assertThat(o.render(o.p95LatencyMs(), "ns", "recs", 7))
                .isEqualTo("max(tfs_latency{ns=\"ns\",m=\"recs\",v=\"7\"}[30s])");
    }
}
