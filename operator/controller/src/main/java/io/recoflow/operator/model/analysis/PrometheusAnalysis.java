package io.recoflow.operator.model.analysis;

import io.recoflow.operator.model.analysis.AnalysisResult.Measured;
import io.recoflow.operator.api.spec.Slo;
import io.recoflow.operator.core.Prometheus;
import java.net.URI;
import java.time.Duration;

/** The canary analysis against Prometheus ({@link Prometheus}): the SLO queries of one version, judged. */
public final class PrometheusAnalysis implements CanaryAnalysis {
    private final Prometheus prometheus;

    public PrometheusAnalysis(Prometheus prometheus) {
        this.prometheus = prometheus;
    }

    public PrometheusAnalysis(URI base, Duration timeout) {
        this(new Prometheus(base, timeout));
    }

    @Override
    public AnalysisResult analyze(String namespace, String model, long version, Slo slo) {
        if (slo == null || (slo.p95LatencyMs == null && slo.maxErrorRate == null)) {
            return Judge.judge(version, slo, Measured.NONE);
        }
        Queries q = Queries.of(slo);
        try {
            Double p95 = slo.p95LatencyMs == null ? null
                    : prometheus.scalar(q.render(q.p95LatencyMs(), namespace, model, version));
            Double errors = slo.maxErrorRate == null ? null
                    : prometheus.scalar(q.render(q.errorRate(), namespace, model, version));
            return Judge.judge(version, slo, new Measured(p95, errors));
        } catch (Prometheus.QueryException e) {
            return new AnalysisResult.Inconclusive("version " + version + ": " + e.getMessage(), Measured.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AnalysisResult.Inconclusive("version " + version + ": interrupted", Measured.NONE);
        }
    }
}
