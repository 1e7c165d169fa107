package io.recoflow.common;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Schema and size rules for {@link Event}; returns every violation so a 400 can name them all. */
public final class EventValidator {
    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_LABEL_LENGTH = 64;
    public static final int MAX_ITEMS = 100;
    private static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

    private EventValidator() {}

    public static List<String> validate(Event e, Instant now) {
        List<String> errors = new ArrayList<>();
        if (e == null) {
            errors.add("event must not be null");
            return errors;
        }
        checkId("eventId", e.eventId(), MAX_ID_LENGTH, errors);
        checkId("userId", e.userId(), MAX_ID_LENGTH, errors);
        checkId("itemId", e.itemId(), MAX_ID_LENGTH, errors);
        if (e.type() == null) {
            errors.add("type is required (one of view, add_to_cart, purchase, rec_impression, rec_click)");
        }
        if (e.timestamp() == null) {
            errors.add("timestamp is required (ISO-8601)");
        } else if (e.timestamp().isAfter(now.plus(MAX_CLOCK_SKEW))) {
            errors.add("timestamp is more than 1h in the future");
        }
        if (e.items() != null) {
            if (e.type() != EventType.REC_IMPRESSION) {
                errors.add("items is only allowed on rec_impression");
            } else if (e.items().isEmpty() || e.items().size() > MAX_ITEMS) {
                errors.add("items must hold 1.." + MAX_ITEMS + " item ids");
            } else {
                for (int i = 0; i < e.items().size(); i++) {
                    checkId("items[" + i + "]", e.items().get(i), MAX_ID_LENGTH, errors);
                }
                if (e.itemId() != null && !e.itemId().equals(e.items().get(0))) {
                    errors.add("itemId must be the first entry of items");
                }
            }
        }
        checkLabel("experiment", e.experiment(), errors);
        checkLabel("variant", e.variant(), errors);
        checkLabel("modelVersion", e.modelVersion(), errors);
        return errors;
    }

    private static void checkId(String field, String value, int max, List<String> errors) {
        if (value == null || value.isBlank()) {
            errors.add(field + " is required");
        } else if (value.length() > max) {
            errors.add(field + " is longer than " + max + " characters");
        } else if (!isId(value)) {
            errors.add(field + " has characters outside [A-Za-z0-9._:@/-]");
        }
    }

    /**
     * Only {@code [A-Za-z0-9._:@/-]}: checked per character rather than with a regular expression, as it runs for
     * three ids of every event in the collector and again in the worker.
     */
    static boolean isId(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == ':' || c == '@' || c == '/' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static void checkLabel(String field, String value, List<String> errors) {
        if (value != null && (value.length() > MAX_LABEL_LENGTH || value.isEmpty() || !isId(value))) {
            errors.add(field + " must be at most " + MAX_LABEL_LENGTH + " characters of [A-Za-z0-9._:@/-]");
        }
    }
}
