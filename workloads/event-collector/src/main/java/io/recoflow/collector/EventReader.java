package io.recoflow.collector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a request body into events, collecting every reason it is not acceptable (a 400 names them all).
 * Reads the JSON tokens straight into each event's fields rather than binding {@link Event} (an unknown type or a
 * bad timestamp is one reason among others instead of an exception that hides the rest) and rather than building a
 * tree first (a node per value: the largest allocation per accepted event in the collector's profile). A body that
 * is not valid JSON anywhere is rejected for that alone, as a tree parse would.
 */
final class EventReader {
    private static final JsonFactory JSON = Json.mapper().getFactory().copy()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final String TYPES =
            Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.joining(", "));
    private static final int ECHO_MAX = 64;

    // the known fields, by index into Fields
    private static final int EVENT_ID = 0;
    private static final int TYPE = 1;
    private static final int USER_ID = 2;
    private static final int ITEM_ID = 3;
    private static final int TIMESTAMP = 4;
    private static final int EXPERIMENT = 5;
    private static final int VARIANT = 6;
    private static final int MODEL_VERSION = 7;
    private static final int ITEMS = 8;

    /** Either events (all valid) or the reasons the request is rejected. */
    record Result(List<Event> events, List<String> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    /** One event object's values as read: each field's token and text; null token = absent or JSON null. */
    private static final class Fields {
        final JsonToken[] tokens = new JsonToken[ITEMS + 1];
        final String[] texts = new String[ITEMS + 1];
        long epochMillis = -1; // timestamp as an integer that fits a long
        List<String> items;
        boolean itemsMalformed;
    }

    private final Clock clock;

    EventReader(Clock clock) {
        this.clock = clock;
    }

    Result single(byte[] body) {
        if (body.length == 0) {
            return failed("body is empty");
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                return failed("body is empty");
            }
            if (root != JsonToken.START_OBJECT) {
                p.skipChildren(); // malformed JSON is the reason, if it is
                return failed("body must be a JSON object (one event); post arrays to /v1/events:batch");
            }
            List<String> errors = new ArrayList<>(0);
            Event event = event(p, "", errors);
            return new Result(errors.isEmpty() ? List.of(event) : List.of(), errors);
        } catch (IOException e) {
            return failed(malformed(e));
        }
    }

    Result batch(byte[] body, int maxSize) {
        if (body.length == 0) {
            return failed("body is empty");
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                return failed("body is empty");
            }
            if (root != JsonToken.START_ARRAY) {
                p.skipChildren();
                return failed("body must be a JSON array of events");
            }
            List<String> errors = new ArrayList<>(0);
            List<Event> events = new ArrayList<>();
            int i = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
                if (t == null) {
                    throw new JsonParseException(p, "unexpected end of input");
                }
                if (i >= maxSize) {
                    p.skipChildren(); // too many: only counted, and checked for well-formed JSON
                } else if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    errors.add("events[" + i + "] must be a JSON object");
                } else {
                    events.add(event(p, "events[" + i + "].", errors));
                }
            }
            if (i == 0) {
                return failed("batch must contain at least one event");
            }
            if (i > maxSize) {
                return failed("batch has " + i + " events; at most " + maxSize + " are allowed");
            }
            return errors.isEmpty() ? new Result(events, List.of()) : new Result(List.of(), errors);
        } catch (IOException e) {
            return failed(malformed(e));
        }
    }

    /** Reads one object (the parser is on its START_OBJECT, and ends on its END_OBJECT). */
    private Event event(JsonParser p, String prefix, List<String> errors) throws IOException {
        Fields f = new Fields();
        List<String> own = new ArrayList<>(0);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t == null) {
                throw new JsonParseException(p, "unexpected end of input");
            }
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int field = field(name);
            if (field < 0) {
                own.add(prefix + echo(name) + " is not a known field");
                p.skipChildren();
            } else if (v == JsonToken.VALUE_NULL) {
                f.tokens[field] = null;
            } else if (field == ITEMS) {
                items(p, v, f);
            } else {
                f.tokens[field] = v;
                f.texts[field] = v.isScalarValue() ? p.getText() : "";
                if (field == TIMESTAMP && v == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    f.epochMillis = p.getLongValue();
                }
                p.skipChildren(); // an object or array where a string belongs: reported below
            }
        }
        String eventId = id(f, EVENT_ID, "eventId", prefix, own);
        String userId = id(f, USER_ID, "userId", prefix, own);
        String itemId = id(f, ITEM_ID, "itemId", prefix, own);
        EventType type = type(f, prefix, own);
        Instant timestamp = timestamp(f, prefix, own);
        String experiment = label(f, EXPERIMENT, "experiment", prefix, own);
        String variant = label(f, VARIANT, "variant", prefix, own);
        String modelVersion = label(f, MODEL_VERSION, "modelVersion", prefix, own);
        if (f.itemsMalformed) {
            own.add(prefix + "items must be an array of item ids");
        }
        Event event = new Event(eventId, type, userId, itemId, timestamp, experiment, variant, modelVersion, f.items);
        List<String> invalid = EventValidator.validate(event, clock.instant());
        if (!invalid.isEmpty()) {
            // A field that failed to parse already has its reason; the validator would only add "is required".
            Set<String> reported = own.stream().map(r -> r.substring(prefix.length()).split(" ", 2)[0])
                    .collect(Collectors.toSet());
            for (String v : invalid) {
                if (!reported.contains(v.split(" ", 2)[0])) {
                    own.add(prefix + v);
                }
            }
        }
        errors.addAll(own);
        return event;
    }

    private static int field(String name) {
        return switch (name) {
            case "eventId" -> EVENT_ID;
            case "type" -> TYPE;
            case "userId" -> USER_ID;
            case "itemId" -> ITEM_ID;
            case "timestamp" -> TIMESTAMP;
            case "experiment" -> EXPERIMENT;
            case "variant" -> VARIANT;
            case "modelVersion" -> MODEL_VERSION;
            case "items" -> ITEMS;
            default -> -1;
        };
    }

    /** {@code items}: an array of ids (strings or integers); the validator checks count, ids and the type. */
    private static void items(JsonParser p, JsonToken v, Fields f) throws IOException {
        f.tokens[ITEMS] = v;
        if (v != JsonToken.START_ARRAY) {
            f.itemsMalformed = true;
            p.skipChildren();
            return;
        }
        List<String> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) {
                throw new JsonParseException(p, "unexpected end of input");
            }
            if (isId(t)) {
                out.add(p.getText());
            } else {
                f.itemsMalformed = true;
                p.skipChildren();
            }
        }
        f.items = f.itemsMalformed ? null : out;
    }

    /** Ids may arrive as JSON numbers (Online Retail customer ids are numeric). */
    private static boolean isId(JsonToken t) {
        return t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT;
    }

    private static String id(Fields f, int field, String name, String prefix, List<String> errors) {
        JsonToken t = f.tokens[field];
        if (t == null) {
            return null;
        }
        if (isId(t)) {
            return f.texts[field];
        }
        errors.add(prefix + name + " must be a string");
        return null;
    }

    private static String label(Fields f, int field, String name, String prefix, List<String> errors) {
        JsonToken t = f.tokens[field];
        if (t == null) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            return f.texts[field];
        }
        errors.add(prefix + name + " must be a string");
        return null;
    }

    private static EventType type(Fields f, String prefix, List<String> errors) {
        JsonToken t = f.tokens[TYPE];
        if (t == null) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            errors.add(prefix + "type must be a string (one of " + TYPES + ")");
            return null;
        }
        String v = f.texts[TYPE];
        return EventType.parse(v).orElseGet(() -> {
            errors.add(prefix + "type '" + echo(v) + "' is unknown (one of " + TYPES + ")");
            return null;
        });
    }

    /** ISO-8601 (with Z or an offset) or epoch milliseconds. */
    private static Instant timestamp(Fields f, String prefix, List<String> errors) {
        JsonToken t = f.tokens[TIMESTAMP];
        if (t == null) {
            return null;
        }
        if (t == JsonToken.VALUE_NUMBER_INT && f.epochMillis >= 0) {
            return Instant.ofEpochMilli(f.epochMillis);
        }
        String v = f.texts[TIMESTAMP];
        if (t == JsonToken.VALUE_STRING) {
            try {
                return instant(v);
            } catch (DateTimeException e) {
                // fall through to the reason below
            }
        }
        errors.add(prefix + "timestamp '" + echo(v) + "' is not ISO-8601 (e.g. 2011-12-09T12:50:00Z)"
                + " or epoch milliseconds");
        return null;
    }

    /**
     * ISO-8601 with Z or an offset, as {@code OffsetDateTime.parse} reads it. The usual shape
     * ({@code 2011-12-09T12:50:00[.fraction](Z|+hh:mm)}) is read by hand: the formatter was the largest single cost
     * per accepted event in the collector's profile (a map of parsed fields copied per optional section). Anything
     * else goes to the formatter, which also gives the error.
     */
    static Instant instant(String v) {
        int n = v.length();
        if (n < 20 || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T' || v.charAt(13) != ':'
                || v.charAt(16) != ':') {
            return OffsetDateTime.parse(v).toInstant();
        }
        int year = digits(v, 0, 4);
        int month = digits(v, 5, 2);
        int day = digits(v, 8, 2);
        int hour = digits(v, 11, 2);
        int minute = digits(v, 14, 2);
        int second = digits(v, 17, 2);
        int i = 19;
        int nanos = 0;
        if (i < n && v.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
                nanos = nanos * 10 + (v.charAt(i++) - '0');
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offset;
        if (i == n - 1 && v.charAt(i) == 'Z') {
            offset = 0;
        } else if (i == n - 6 && (v.charAt(i) == '+' || v.charAt(i) == '-') && v.charAt(i + 3) == ':') {
            int h = digits(v, i + 1, 2);
            int m = digits(v, i + 4, 2);
            if (h < 0 || m < 0 || m > 59 || h * 60 + m > 18 * 60) {
                return OffsetDateTime.parse(v).toInstant();
            }
            offset = (v.charAt(i) == '-' ? -1 : 1) * (h * 3600 + m * 60);
        } else {
            return OffsetDateTime.parse(v).toInstant();
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return OffsetDateTime.parse(v).toInstant();
        }
        long days = LocalDate.of(year, month, day).toEpochDay(); // rejects 2011-02-30 as the formatter does
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second - offset, nanos);
    }

    /** The non-negative number in {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String malformed(IOException e) {
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
}
