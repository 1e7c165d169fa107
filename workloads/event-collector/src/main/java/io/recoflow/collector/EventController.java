package io.recoflow.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/events} (one JSON object) and {@code POST /v1/events:batch} (JSON array; also
 * {@code /v1/events/batch}). 202 once Kafka acknowledged every event, 400/413 with a problem body naming every
 * reason, 503 with {@code Retry-After} when Kafka did not acknowledge in time. A batch is all or nothing on
 * validation; on 503 some of its events may already be on the topic, which is safe because the client retries
 * with the same eventIds and the feature worker deduplicates on eventId.
 */
@RestController
class EventController {
    private static final Logger log = LoggerFactory.getLogger(EventController.class);
    private static final URI INVALID = URI.create("https://recoflow.io/problems/invalid-event");
    private static final URI TOO_LARGE = URI.create("https://recoflow.io/problems/body-too-large");
    private static final URI UNAVAILABLE = URI.create("https://recoflow.io/problems/event-log-unavailable");

    private final CollectorProperties props;
    private final EventPublisher publisher;
    private final EventReader reader;
    private final MeterRegistry registry;
    // meters by "endpoint:outcome" and "type:outcome", built once: Micrometer's builder + register per request
    // (tags sorted, id hashed, registry map probed) showed in the collector's profile
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    EventController(CollectorProperties props, EventPublisher publisher, MeterRegistry registry) {
        this.props = props;
        this.publisher = publisher;
        this.reader = new EventReader(Clock.systemUTC());
        this.registry = registry;
    }

    @PostMapping("/v1/events")
    ResponseEntity<?> single(HttpServletRequest request) {
        return handle("single", request, reader::single);
    }

    @PostMapping({"/v1/events:batch", "/v1/events/batch"})
    ResponseEntity<?> batch(HttpServletRequest request) {
        return handle("batch", request, body -> reader.batch(body, props.maxBatchSize()));
    }

    private ResponseEntity<?> handle(String endpoint, HttpServletRequest request,
            Function<byte[], EventReader.Result> read) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "accepted";
        try {
            byte[] body = body(request);
            if (body == null) {
                outcome = "too_large";
                return problem(HttpStatus.PAYLOAD_TOO_LARGE, TOO_LARGE, "Request body too large",
                        List.of("body is larger than " + props.maxBodyBytes() + " bytes"));
            }
            EventReader.Result result = read.apply(body);
            if (!result.ok()) {
                outcome = "invalid";
                count("invalid", "rejected", 1);
                return problem(HttpStatus.BAD_REQUEST, INVALID, "Invalid event", result.errors());
            }
            List<Event> events = result.events();
            try {
                publisher.publish(events);
            } catch (EventPublisher.Unavailable e) {
                outcome = "unavailable";
                count(events, "unavailable");
                log.warn("event=kafka_unavailable endpoint={} events={} reason=\"{}\"", endpoint, events.size(),
                        e.getMessage());
                ResponseEntity.BodyBuilder b = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(props.retryAfter().toSeconds()));
                return b.body(detail(HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, "Event log unavailable",
                        List.of("Kafka did not acknowledge the events (" + e.getMessage()
                                + "); retry later with the same eventIds")));
            }
            count(events, "accepted");
            // the 202 body as bytes: through Jackson and content negotiation it was a tenth of a single post's CPU
            return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                    .body(("{\"accepted\":" + events.size() + "}").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            outcome = "invalid";
            return problem(HttpStatus.BAD_REQUEST, INVALID, "Invalid event",
                    List.of("could not read the request body"));
        } finally {
            sample.stop(timer(endpoint, outcome));
        }
    }

    private Timer timer(String endpoint, String outcome) {
        return timers.computeIfAbsent(endpoint + ":" + outcome, k -> Timer.builder("recoflow.collector.requests")
                .description("Event ingest requests, by endpoint and outcome")
                .tag("endpoint", endpoint).tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
    }

    /** The body, or null when it exceeds the limit (checked while reading, not trusting Content-Length). */
    private byte[] body(HttpServletRequest request) throws IOException {
        int max = props.maxBodyBytes();
        if (request.getContentLengthLong() > max) {
            return null;
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(max + 1);
            return bytes.length > max ? null : bytes;
        }
    }

    /** One increment per type present, not per event: a meter lookup costs more than the rest of an event. */
    private void count(List<Event> events, String outcome) {
        int[] byType = new int[EventType.values().length];
        events.forEach(e -> byType[e.type().ordinal()]++);
        for (EventType t : EventType.values()) {
            if (byType[t.ordinal()] > 0) {
                count(t.wireName(), outcome, byType[t.ordinal()]);
            }
        }
    }

    private void count(String type, String outcome, int n) {
        counters.computeIfAbsent(type + ":" + outcome, k -> Counter.builder("recoflow.collector.events")
                .description("Events by type and outcome (accepted = acknowledged by Kafka)")
                .tag("type", type).tag("outcome", outcome)
                .register(registry)).increment(n);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, URI type, String title, List<String> errors) {
        return ResponseEntity.status(status).body(detail(status, type, title, errors));
    }

    private static ProblemDetail detail(HttpStatus status, URI type, String title, List<String> errors) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, String.join("; ", errors));
        p.setType(type);
        p.setTitle(title);
        p.setProperty("errors", errors);
        return p;
    }
}
