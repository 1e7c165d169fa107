package io.recoflow.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

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
        String modelVersion) {}
