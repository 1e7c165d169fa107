package io.recoflow.operator.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIMULATED Prometheus: the demo runs with no external services, so this answers the operator's instant queries
 * on {@code /api/v1/query} in Prometheus' JSON format, the way FakeKubelet stands in for pods. Nothing is scraped
 * or stored; the tests run the operator against a real Prometheus (PrometheusFixture).
 * <ul>
 *   <li>the experiment counts ({@code recoflow_experiment_users} by variant and outcome,
 *       {@code recoflow_experiment_clicks}, {@code recoflow_experiment_clicks_squared}) come from simulated
 *       shoppers: from the experiment's {@code status.startedAt} to its {@code decidedAt} (or now) on the demo's
 *       clock, {@value #SHOPPERS} users per variant and second at equal weights (in proportion to the weights
 *       otherwise); the control converts {@value #CONTROL_CONVERSION}, a treatment {@value #TREATMENT_CONVERSION}.
 *       What users do is random, one seeded stream per experiment drawn second after second, so the counts
 *       depend only on the demo-clock seconds elapsed, not on when the operator looks. How many arrive per
 *       variant is exact: a random split would now and then fail the sample ratio check (p below 0.001 in about
 *       one look in a thousand) and end the demo's experiment as SampleRatioMismatch;</li>
 *   <li>serving health is good, so guardrails and the canary's SLO hold: p95 {@value #P95_MS} ms, error rate
 *       {@value #ERROR_RATE}, fallback rate {@value #FALLBACK_RATE}.</li>
 * </ul>
 * Any other query is refused (bad_data), so a query the operator changes shows up in status instead of passing.
 */
final class FakePrometheus implements AutoCloseable {
    static final int SHOPPERS = 40;
    static final double CONTROL_CONVERSION = 0.05;
    static final double TREATMENT_CONVERSION = 0.06;
    static final double CONTROL_CTR = 0.20;
    static final double TREATMENT_CTR = 0.21;
    static final double P95_MS = 8;
    static final double ERROR_RATE = 0.001;
    static final double FALLBACK_RATE = 0.01;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXPERIMENT = Pattern.compile("experiment=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String[] OUTCOMES = {"exposed", "clicked", "converted"};

    private final Clock clock;
    private final Function<String, ABExperiment> experiments;
    private final Map<String, Shoppers> shoppers = new ConcurrentHashMap<>();
    private final HttpServer server;

    /** @param experiments an experiment by its key (namespace/name), null when there is none */
    FakePrometheus(Clock clock, Function<String, ABExperiment> experiments) throws IOException {
        this.clock = clock;
        this.experiments = experiments;
        // without it the JDK server's separate header and body writes meet delayed ACKs: 40 ms a query instead of
        // a few, and a look at an experiment sends nine (read once, so before the first server of the JVM)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/query", this::query);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void query(HttpExchange ex) throws IOException {
        String q = param(ex.getRequestURI().getRawQuery(), "query");
        Map<String, Object> body = new LinkedHashMap<>();
        int code = 200;
        try {
            body.put("status", "success");
            body.put("data", Map.of("resultType", "vector", "result", answer(q)));
        } catch (IllegalArgumentException e) {
            code = 400;
            body.clear();
            body.put("status", "error");
            body.put("errorType", "bad_data");
            body.put("error", e.getMessage());
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    /** The series of a query; order matters: clicks_squared contains clicks. */
    private List<Map<String, Object>> answer(String q) {
        if (q == null) {
            throw new IllegalArgumentException("query parameter missing");
        }
        if (q.contains("recoflow_experiment_users")) {
            return counts(q, (s, i) -> new double[] {s.exposed[i], s.clicked[i], s.converted[i]});
        }
        if (q.contains("recoflow_experiment_clicks_squared")) {
            return counts(q, (s, i) -> new double[] {s.squares[i]});
        }
        if (q.contains("recoflow_experiment_clicks")) {
            return counts(q, (s, i) -> new double[] {s.clicks[i]});
        }
        if (q.contains("recoflow_recommend_experiment_responses_total")) {
            return List.of(sample(Map.of(), FALLBACK_RATE));
        }
        if (q.contains("histogram_quantile") && q.contains("recoflow_recommend_scoring_seconds_bucket")) {
            return List.of(sample(Map.of(), P95_MS)); // the query multiplies by 1000 itself: this is its result
        }
        if (q.contains("recoflow_recommend_scoring_seconds_count")) {
            return List.of(sample(Map.of(), ERROR_RATE));
        }
        throw new IllegalArgumentException("the demo's simulated Prometheus does not know this query: " + q);
    }

    private interface Figures {
        double[] of(Shoppers s, int variant);
    }

    /** One series per variant (per variant and outcome for the user counts); none before the split is served. */
    private List<Map<String, Object>> counts(String q, Figures figures) {
        Matcher m = EXPERIMENT.matcher(q);
        if (!m.find()) {
            throw new IllegalArgumentException("no experiment label in " + q);
        }
        String key = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        ABExperiment x = experiments.apply(key);
        if (x == null || x.getStatus() == null || x.getStatus().startedAt == null) {
            return List.of();
        }
        Instant start = Instant.parse(x.getStatus().startedAt);
        Instant end = x.getStatus().decidedAt == null ? clock.instant() : Instant.parse(x.getStatus().decidedAt);
        // a new run of the same experiment (deleted and applied again) starts from zero
        Shoppers s = shoppers.computeIfAbsent(key + "@" + start, k -> new Shoppers(key, x.getSpec().variants));
        boolean users = q.contains("recoflow_experiment_users");
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (s) {
            s.advance(Math.max(0, Duration.between(start, end).toSeconds()));
            for (int i = 0; i < s.variants.size(); i++) {
                double[] f = figures.of(s, i);
                for (int j = 0; j < f.length; j++) {
                    Map<String, String> labels = users
                            ? Map.of("experiment", key, "variant", s.variants.get(i).name, "outcome", OUTCOMES[j])
                            : Map.of("experiment", key, "variant", s.variants.get(i).name);
                    out.add(sample(labels, f[j]));
                }
            }
        }
        return out;
    }

    private Map<String, Object> sample(Map<String, String> labels, double value) {
        double ts = clock.millis() / 1000.0;
        return Map.of("metric", labels, "value", List.of(ts, Double.toString(value)));
    }

    /**
     * The shoppers of one experiment run, second by second of the demo clock. Each user clicks with the variant's
     * CTR, once or twice, and only a clicking user converts, so that converted <= clicked <= exposed as in the
     * feature worker's distinct-user counts.
     */
    private static final class Shoppers {
        final List<ABExperimentSpec.Variant> variants;
        /** One stream, not one per second: java.util.Random's first draws from neighbouring seeds correlate. */
        final Random random;
        final long[] exposed;
        final long[] clicked;
        final long[] converted;
        final long[] clicks;
        final long[] squares;
        long seconds;

        Shoppers(String key, List<ABExperimentSpec.Variant> variants) {
            this.variants = List.copyOf(variants);
            this.random = new Random(key.hashCode());
            int n = variants.size();
            exposed = new long[n];
            clicked = new long[n];
            converted = new long[n];
            clicks = new long[n];
            squares = new long[n];
        }

        void advance(long to) {
            int total = Math.max(1, variants.stream().mapToInt(v -> v.weight == null ? 0 : v.weight).sum());
            for (; seconds < to; seconds++) {
                for (int i = 0; i < variants.size(); i++) {
                    ABExperimentSpec.Variant v = variants.get(i);
                    long arrive = Math.round((double) SHOPPERS * variants.size() * (v.weight == null ? 0 : v.weight)
                            / total);
                    double ctr = v.isControl() ? CONTROL_CTR : TREATMENT_CTR;
                    double conversion = v.isControl() ? CONTROL_CONVERSION : TREATMENT_CONVERSION;
                    exposed[i] += arrive;
                    for (long u = 0; u < arrive; u++) {
                        if (random.nextDouble() < ctr) {
                            int c = random.nextBoolean() ? 1 : 2;
                            clicked[i]++;
                            clicks[i] += c;
                            squares[i] += (long) c * c;
                            if (random.nextDouble() < conversion / ctr) {
                                converted[i]++;
                            }
                        }
                    }
                }
            }
        }
    }

    private static String param(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String kv : rawQuery.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
