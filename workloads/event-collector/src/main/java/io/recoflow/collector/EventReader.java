package io.recoflow.collector;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a request body into events, collecting every reason it is not acceptable (a 400 names them all).
 * Reads the tree by hand rather than binding {@link Event} so that an unknown type or a bad timestamp is one
 * reason among others instead of an exception that hides the rest.
 */
final class EventReader {
    private static final ObjectMapper MAPPER = Json.mapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> FIELDS =
            Set.of("eventId", "type", "userId", "itemId", "timestamp", "experiment", "variant", "modelVersion", "items");
    private static final String TYPES =
            Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.joining(", "));
    private static final int ECHO_MAX = 64;

    /** Either events (all valid) or the reasons the request is rejected. */
    record Result(List<Event> events, List<String> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    private final Clock clock;

    EventReader(Clock clock) {
        this.clock = clock;
    }

    Result single(byte[] body) {
        JsonNode root;
        try {
            root = tree(body);
        } catch (IOException e) {
            return failed(malformed(e));
        }
        if (!root.isObject()) {
            return failed("body must be a JSON object (one event); post arrays to /v1/events:batch");
        }
        List<String> errors = new ArrayList<>();
        Event event = event(root, "", errors);
        return new Result(errors.isEmpty() ? List.of(event) : List.of(), errors);
    }

    Result batch(byte[] body, int maxSize) {
        JsonNode root;
        try {
            root = tree(body);
        } catch (IOException e) {
            return failed(malformed(e));
        }
        if (!root.isArray()) {
            return failed("body must be a JSON array of events");
        }
        if (root.isEmpty()) {
            return failed("batch must contain at least one event");
        }
        if (root.size() > maxSize) {
            return failed("batch has " + root.size() + " events; at most " + maxSize + " are allowed");
        }
        List<String> errors = new ArrayList<>();
        List<Event> events = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String prefix = "events[" + i + "].";
            if (!node.isObject()) {
                errors.add("events[" + i + "] must be a JSON object");
                continue;
            }
            events.add(event(node, prefix, errors));
        }
        return errors.isEmpty() ? new Result(events, List.of()) : new Result(List.of(), errors);
    }

    private static JsonNode tree(byte[] body) throws IOException {
        if (body.length == 0) {
            throw new EmptyBody();
        }
        JsonNode root = MAPPER.readTree(body);
        if (root == null || root.isMissingNode()) {
            throw new EmptyBody();
        }
        return root;
    }

    private Event event(JsonNode node, String prefix, List<String> errors) {
        List<String> own = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                own.add(prefix + echo(f) + " is not a known field");
            }
        });
        String eventId = id(node, "eventId", prefix, own);
        String userId = id(node, "userId", prefix, own);
        String itemId = id(node, "itemId", prefix, own);
        EventType type = type(node, prefix, own);
        Instant timestamp = timestamp(node, prefix, own);
        String experiment = label(node, "experiment", prefix, own);
        String variant = label(node, "variant", prefix, own);
        String modelVersion = label(node, "modelVersion", prefix, own);
        List<String> items = items(node, prefix, own);
        Event event = new Event(eventId, type, userId, itemId, timestamp, experiment, variant, modelVersion, items);
        // A field that failed to parse already has its reason; the validator would only add "is required".
        Set<String> reported = own.stream().map(r -> r.substring(prefix.length()).split(" ", 2)[0])
                .collect(Collectors.toSet());
        for (String v : EventValidator.validate(event, clock.instant())) {
            if (!reported.contains(v.split(" ", 2)[0])) {
                own.add(prefix + v);
            }
        }
        errors.addAll(own);
        return event;
    }

    /** {@code items}: an array of ids (strings or integers); the validator checks count, ids and the type. */
    private static List<String> items(JsonNode node, String prefix, List<String> errors) {
        JsonNode v = node.get("items");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            errors.add(prefix + "items must be an array of item ids");
            return null;
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode i : v) {
            if (!isId(i)) {
                errors.add(prefix + "items must be an array of item ids");
                return null;
            }
            out.add(i.asText());
        }
        return out;
    }

    /** Ids may arrive as JSON numbers (Online Retail customer ids are numeric). */
    private static boolean isId(JsonNode v) {
        return v.isTextual() || v.isIntegralNumber();
    }

    private static String id(JsonNode node, String field, String prefix, List<String> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (isId(v)) {
            return v.asText();
        }
        errors.add(prefix + field + " must be a string");
        return null;
    }

    private static String label(JsonNode node, String field, String prefix, List<String> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        errors.add(prefix + field + " must be a string");
        return null;
    }

    private static EventType type(JsonNode node, String prefix, List<String> errors) {
        JsonNode v = node.get("type");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(prefix + "type must be a string (one of " + TYPES + ")");
            return null;
        }
        return EventType.parse(v.asText()).orElseGet(() -> {
            errors.add(prefix + "type '" + echo(v.asText()) + "' is unknown (one of " + TYPES + ")");
            return null;
        });
    }

    /** ISO-8601 (with Z or an offset) or epoch milliseconds. */
    private static Instant timestamp(JsonNode node, String prefix, List<String> errors) {
        JsonNode v = node.get("timestamp");
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
            return Instant.ofEpochMilli(v.asLong());
        }
        if (v.isTextual()) {
            try {
                return OffsetDateTime.parse(v.asText()).toInstant();
            } catch (DateTimeException e) {
                // fall through to the reason below
            }
        }
        errors.add(prefix + "timestamp '" + echo(v.asText()) + "' is not ISO-8601 (e.g. 2011-12-09T12:50:00Z)"
                + " or epoch milliseconds");
        return null;
    }

    private static String malformed(IOException e) {
        if (e instanceof EmptyBody) {
            return "body is empty";
        }
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            JsonLocation at = j.getLocation();
            // Location only: the parser message would echo the payload.
            return "body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return "body is not valid JSON";
    }

    private static String echo(String s) {
        return s.length() <= ECHO_MAX ? s : s.substring(0, ECHO_MAX) + "...";
    }

    private static Result failed(String reason) {
        return new Result(List.of(), List.of(reason));
    }

    private static final class EmptyBody extends IOException {
        EmptyBody() {
            super("empty body", null);
        }
    }
}
