package io.recoflow.operator.model.analysis;

import io.recoflow.operator.api.spec.Slo;

/**
 * PromQL templates for the two SLO inputs. Placeholders: {@code {version}}, {@code {model}}, {@code {namespace}},
 * {@code {window}}. Defaults read the recommendation service's
 * {@code recoflow_recommend_scoring_seconds{model_version, result}} histogram, which is tagged per served version.
 */
public record Queries(String p95LatencyMs, String errorRate, String window) {
    public static final String DEFAULT_WINDOW = "1m";

    public static final String DEFAULT_P95 = "1000 * histogram_quantile(0.95, sum by (le) (rate("
            + "recoflow_recommend_scoring_seconds_bucket{model_version=\"{version}\"}[{window}])))";

    /** Share of scoring calls that did not end "ok" (error, timeout, overload). */
    public static final String DEFAULT_ERROR_RATE = "(sum(rate(recoflow_recommend_scoring_seconds_count{"
            + "model_version=\"{version}\",result!=\"ok\"}[{window}])) or vector(0)) / sum(rate("
            + "recoflow_recommend_scoring_seconds_count{model_version=\"{version}\"}[{window}]))";

    public static Queries of(Slo slo) {
        if (slo == null) {
            return new Queries(DEFAULT_P95, DEFAULT_ERROR_RATE, DEFAULT_WINDOW);
        }
        return new Queries(slo.p95LatencyQuery == null ? DEFAULT_P95 : slo.p95LatencyQuery,
                slo.errorRateQuery == null ? DEFAULT_ERROR_RATE : slo.errorRateQuery,
                slo.window == null ? DEFAULT_WINDOW : slo.window);
    }

    /** A window as the spec writes it ({@code 30s}, {@code 1m}, {@code 2h}; the CRD's pattern) as a duration. */
    public static java.time.Duration duration(String window) {
        long n = Long.parseLong(window.substring(0, window.length() - 1));
        return switch (window.charAt(window.length() - 1)) {
            case 's' -> java.time.Duration.ofSeconds(n);
            case 'm' -> java.time.Duration.ofMinutes(n);
            case 'h' -> java.time.Duration.ofHours(n);
            default -> throw new IllegalArgumentException("not a window: " + window);
        };
    }

    public String render(String template, String namespace, String model, long version) {
        return template.replace("{version}", Long.toString(version)).replace("{model}", model)
                .replace("{namespace}", namespace).replace("{window}", window);
    }
}
