package io.recoflow.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One user interaction, as posted to the event collector and carried on the {@link Topics#EVENTS} topic
 * (JSON value, key = {@code userId}, so one user's events stay ordered on one partition).
 *
 * @param eventId client-chosen unique id (idempotency key end to end)
 * @param type interaction type
 * @param userId customer id (opaque string, never logged)
 * @param itemId product id (StockCode for Online Retail, upper case)
 * @param timestamp when it happened (ISO-8601 on the wire)
 * @param experiment optional A/B experiment name
 * @param variant optional experiment variant
 * @param modelVersion optional model version that produced a recommendation
 * @param items {@code rec_impression} only, optional: the whole list shown, in rank order, as one event (then
 *     {@code itemId} is its first entry). One event per shown list instead of one per item keeps impression volume
 *     at one record per response.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
        String eventId,
        EventType type,
        String userId,
        String itemId,
        Instant timestamp,
        String experiment,
        String variant,
        String modelVersion,
        List<String> items) {

    /** An event about one item (every type; no {@code items}). */
    public Event(String eventId, EventType type, String userId, String itemId, Instant timestamp, String experiment,
            String variant, String modelVersion) {
        this(eventId, type, userId, itemId, timestamp, experiment, variant, modelVersion, null);
    }

    /** The items this event is about: {@code items} when present, else {@code itemId}. */
    public List<String> shownItems() {
        return items == null || items.isEmpty() ? List.of(itemId) : items;
    }
}
