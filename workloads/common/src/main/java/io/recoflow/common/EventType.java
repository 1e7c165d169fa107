package io.recoflow.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The user interactions the data plane accepts. Wire names are lower snake case. */
public enum EventType {
    VIEW("view"),
    ADD_TO_CART("add_to_cart"),
    PURCHASE("purchase"),
    REC_IMPRESSION("rec_impression"),
    REC_CLICK("rec_click");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; empty when unknown so callers can answer 400 with a reason instead of throwing. */
    public static Optional<EventType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.wireName.equals(n)).findFirst();
    }

    @JsonCreator
    static EventType fromJson(String name) {
        return parse(name).orElseThrow(() -> new IllegalArgumentException("unknown event type '" + name + "'"));
    }

    /** Whether the event says the user engaged with the item (feeds recent items and co-visitation). */
    public boolean isEngagement() {
        return this == VIEW || this == ADD_TO_CART || this == PURCHASE || this == REC_CLICK;
    }
}
