package io.recoflow.recommend.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recoflow.common.EventValidator;
import io.recoflow.recommend.RecommendService;
import io.recoflow.recommend.Recommendation;
import io.recoflow.recommend.config.RecommendProperties;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class RecommendController {
    // the same id rules the event collector applies, so any user that can send events can be recommended to
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._:@/-]{1," + EventValidator.MAX_ID_LENGTH + "}");

    private final RecommendService service;
    private final int maxK;
    private final Timer modelLatency;
    private final Timer fallbackLatency;

    public RecommendController(RecommendService service, RecommendProperties props, MeterRegistry meters) {
        this.service = service;
        this.maxK = props.getMaxK();
        this.modelLatency = latency("model", meters);
        this.fallbackLatency = latency("fallback", meters);
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

    @GetMapping(value = "/v1/recommendations/{userId}", produces = "application/json")
    public ResponseEntity<?> recommend(@PathVariable String userId, @RequestParam(defaultValue = "10") String k) {
        long t0 = System.nanoTime();
        int n;
        try {
            n = Integer.parseInt(k);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > maxK) {
            return ResponseEntity.badRequest().body(Map.of("error", "k must be an integer in 1.." + maxK));
        }
        if (!USER_ID.matcher(userId).matches()) {
            return ResponseEntity.badRequest().body(Map.of("error",
                    "userId must be 1.." + EventValidator.MAX_ID_LENGTH + " characters of [A-Za-z0-9._:@/-]"));
        }
        Recommendation r = service.recommend(userId, n);
        (r.fallback() == null ? modelLatency : fallbackLatency).record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        return ResponseEntity.ok(r);
    }

    /** The server's own floor: same Tomcat, filters and JSON, no Redis and no model. */
    @GetMapping(value = "/v1/ping", produces = "application/json")
    public Map<String, String> ping() {
        return Map.of("status", "ok");
    }
}
