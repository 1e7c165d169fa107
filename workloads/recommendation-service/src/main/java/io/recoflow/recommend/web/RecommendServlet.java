package io.recoflow.recommend.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recoflow.common.EventValidator;
import io.recoflow.recommend.Overloaded;
import io.recoflow.recommend.RecommendService;
import io.recoflow.recommend.Recommendation;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/recommendations/{userId}?k=10} and {@code GET /v1/ping}, as a plain servlet on the service's Tomcat.
 *
 * <p>Why not a Spring MVC controller: on the 2-core benchmark machine DispatcherServlet's handler lookup, content
 * negotiation and return-value handling took more CPU than Redis and scoring together (JFR). This path does the
 * same work (validation, 400 with a reason, JSON body) with one Jackson writer; everything else of the app (actuator,
 * filters such as the API guard) is unchanged.
 *
 * <p>Recommendations pass {@link Admission} first; a request past it, or one the service found itself short of
 * capacity for ({@link Overloaded}), is answered 503 with Retry-After and counted, never with a fallback.
 */
public class RecommendServlet extends HttpServlet {
    public static final String RECOMMEND = "/v1/recommendations";
    public static final String PING = "/v1/ping";
    private static final byte[] PONG = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    private final transient RecommendService service;
    private final transient ObjectWriter writer;
    private final transient ObjectWriter errorWriter;
    private final int maxK;
    private final transient Timer modelLatency;
    private final transient Timer fallbackLatency;
    private final transient Counter rejected;
    private final transient Admission admission;
    private final String retryAfter;
    private final transient Map<Overloaded.Reason, Counter> shed = new EnumMap<>(Overloaded.Reason.class);
    private final transient Map<Overloaded.Reason, byte[]> shedBody = new EnumMap<>(Overloaded.Reason.class);

    /** @param json the application's (Spring Boot configured) mapper, so spring.jackson.* settings apply here too */
    public RecommendServlet(RecommendService service, int maxK, ObjectMapper json, MeterRegistry meters,
            Admission admission, Duration retryAfter) {
        this.service = service;
        this.admission = admission;
        this.retryAfter = Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
        for (Overloaded.Reason r : Overloaded.Reason.values()) {
            shed.put(r, Counter.builder("recoflow.recommend.shed").tag("reason", r.tag())
                    .description("recommendation requests answered 503 because the service was short of capacity")
                    .register(meters));
            shedBody.put(r, ("{\"error\":\"overloaded\",\"reason\":\"" + r.tag() + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        Gauge.builder("recoflow.recommend.admission.in_flight", admission, Admission::inFlight)
                .description("recommendation requests working now (admitted)").register(meters);
        Gauge.builder("recoflow.recommend.admission.limit", admission, Admission::limit)
                .description("recommendation requests allowed to work at once").register(meters);
        this.writer = json.writerFor(Recommendation.class);
        this.errorWriter = json.writer();
        this.maxK = maxK;
        this.modelLatency = latency("model", meters);
        this.fallbackLatency = latency("fallback", meters);
        this.rejected = Counter.builder("recoflow.recommend.rejected")
                .description("recommendation requests answered 400 (bad user id or k)").register(meters);
    }

    private static Timer latency(String outcome, MeterRegistry meters) {
        return Timer.builder("recoflow.recommend.request")
                .description("recommendation latency inside the service, by outcome")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(2))
                .register(meters);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (PING.equals(req.getServletPath())) {
            // the server's own floor: same Tomcat, filters and servlet, no Redis and no model
            resp.setContentType("application/json");
            resp.setContentLength(PONG.length);
            resp.getOutputStream().write(PONG);
            return;
        }
        long t0 = System.nanoTime();
        String path = req.getPathInfo(); // "/{userId}", already percent-decoded by Tomcat
        String userId = path == null || path.length() < 2 ? "" : path.substring(1);
        if (!validUserId(userId)) {
            reject(resp, "userId must be 1.." + EventValidator.MAX_ID_LENGTH + " characters of [A-Za-z0-9._:@-]");
            return;
        }
        int k = parseK(req.getParameter("k"));
        if (k < 1 || k > maxK) {
            reject(resp, "k must be an integer in 1.." + maxK);
            return;
        }
        if (!admission.enter()) {
            shed(resp, Overloaded.Reason.CONCURRENCY);
            return;
        }
        Recommendation r;
        try {
            r = service.recommend(userId, k);
        } catch (Overloaded e) {
            shed(resp, e.reason());
            return;
        } finally {
            admission.leave();
        }
        byte[] body = writer.writeValueAsBytes(r);
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
        (r.fallback() == null ? modelLatency : fallbackLatency).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }

    /** The id rules of the event collector (a '/' cannot reach here as a path segment), without a regex per call. */
    static boolean validUserId(String id) {
        int n = id.length();
        if (n < 1 || n > EventValidator.MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The k parameter, 10 when absent, -1 when not a small integer. */
    static int parseK(String k) {
        if (k == null) {
            return 10;
        }
        if (k.isEmpty() || k.length() > 6) {
            return -1;
        }
        try {
            return Integer.parseInt(k);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** 503 with Retry-After: the caller (a BFF, a retrying client, a load balancer) goes elsewhere or comes back. */
    private void shed(HttpServletResponse resp, Overloaded.Reason reason) throws IOException {
        shed.get(reason).increment();
        byte[] body = shedBody.get(reason);
        resp.setStatus(503);
        resp.setHeader("Retry-After", retryAfter);
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private void reject(HttpServletResponse resp, String reason) throws IOException {
        rejected.increment();
        byte[] body = errorWriter.writeValueAsBytes(Map.of("error", reason));
        resp.setStatus(400);
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
