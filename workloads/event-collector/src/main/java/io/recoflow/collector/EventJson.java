package io.recoflow.collector;

import io.recoflow.common.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A validated {@link Event} as the Kafka record value: the bytes {@code Json.mapper()} writes (same fields, order,
 * null fields left out, ISO-8601 instant), written by hand. Serialising through Jackson was the largest cost per
 * accepted event left in the collector's profile (a fifth of its samples at 20,000 events/s). No escaping is
 * needed: {@link io.recoflow.common.EventValidator} admits only {@code [A-Za-z0-9._:@/-]} in every string field, and
 * only validated events are published.
 */
final class EventJson {
    private EventJson() {}

    static byte[] bytes(Event e) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"eventId\":\"").append(e.eventId())
                .append("\",\"type\":\"").append(e.type().wireName())
                .append("\",\"userId\":\"").append(e.userId())
                .append("\",\"itemId\":\"").append(e.itemId())
                .append("\",\"timestamp\":\"").append(e.timestamp()).append('"');
        optional(b, "experiment", e.experiment());
        optional(b, "variant", e.variant());
        optional(b, "modelVersion", e.modelVersion());
        List<String> items = e.items();
        if (items != null) {
            b.append(",\"items\":[");
            for (int i = 0; i < items.size(); i++) {
                b.append(i == 0 ? "\"" : ",\"").append(items.get(i)).append('"');
            }
            b.append(']');
        }
        return b.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void optional(StringBuilder b, String field, String value) {
        if (value != null) {
            b.append(",\"").append(field).append("\":\"").append(value).append('"');
        }
    }
}
