package io.recoflow.common;

/** Kafka topic names shared by the collector, the feature worker and the recommendation service. */
public final class Topics {
    /** All user interactions; key = userId, value = {@link Event} JSON. */
    public static final String EVENTS = "recoflow.events";
    /** Events the feature worker could not process (poison messages), with the failure in headers. */
    public static final String EVENTS_DLT = "recoflow.events.DLT";

    private Topics() {}
}
