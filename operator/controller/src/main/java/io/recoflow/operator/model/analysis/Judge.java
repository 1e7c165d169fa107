package io.recoflow.operator.model.analysis;

import io.recoflow.operator.model.analysis.AnalysisResult.Measured;
import io.recoflow.operator.api.spec.Slo;
import java.util.ArrayList;
import java.util.List;

/** The pure decision: measured values against SLO bounds. A broken bound fails even if the other has no data. */
public final class Judge {
    private Judge() {}

    public static AnalysisResult judge(long version, Slo slo, Measured m) {
        if (slo == null || (slo.p95LatencyMs == null && slo.maxErrorRate == null)) {
            return new AnalysisResult.Off("no SLO to judge version " + version + " against");
        }
        List<String> broken = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> held = new ArrayList<>();
        if (slo.p95LatencyMs != null) {
            check("p95 latency", m.p95LatencyMs(), slo.p95LatencyMs, "ms", broken, missing, held);
        }
        if (slo.maxErrorRate != null) {
            check("error rate", m.errorRate(), slo.maxErrorRate, "", broken, missing, held);
        }
        String v = "version " + version + ": ";
        if (!broken.isEmpty()) {
            return new AnalysisResult.Fail(v + String.join(", ", broken), m);
        }
        if (!missing.isEmpty()) {
            return new AnalysisResult.Inconclusive(v + "no data for " + String.join(", ", missing), m);
        }
        return new AnalysisResult.Pass(v + String.join(", ", held), m);
    }

    private static void check(String what, Double measured, double bound, String unit, List<String> broken,
            List<String> missing, List<String> held) {
        if (measured == null || measured.isNaN()) {
            missing.add(what);
        } else if (measured > bound) {
            broken.add(what + " " + fmt(measured) + unit + " > SLO " + fmt(bound) + unit);
        } else {
            held.add(what + " " + fmt(measured) + unit + " <= SLO " + fmt(bound) + unit);
        }
    }

    static String fmt(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d)
                : String.format(java.util.Locale.ROOT, "%.4g", d);
    }
}
