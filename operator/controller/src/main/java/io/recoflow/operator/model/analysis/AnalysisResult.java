package io.recoflow.operator.model.analysis;

/**
 * Outcome of one canary analysis: the SLO holds, is broken, or cannot be judged yet (no samples, Prometheus down).
 * Measured values travel with every outcome so status and events show them.
 */
public sealed interface AnalysisResult {
    String message();

    Measured measured();

    /** What was measured; a null field was not asked for or had no data. */
    record Measured(Double p95LatencyMs, Double errorRate) {
        public static final Measured NONE = new Measured(null, null);
    }

    record Pass(String message, Measured measured) implements AnalysisResult {}

    record Fail(String message, Measured measured) implements AnalysisResult {}

    record Inconclusive(String message, Measured measured) implements AnalysisResult {}

    /** Analysis disabled (no Prometheus configured) or no SLO to judge: pause time and availability alone decide. */
    record Off(String message) implements AnalysisResult {
        @Override
        public Measured measured() {
            return Measured.NONE;
        }
    }

    /** Short name for status and printer columns. */
    default String kind() {
        return getClass().getSimpleName();
    }
}
