package io.recoflow.infra.common;

import java.util.List;

/**
 * Topic names the infrastructure grants access to (MSK IAM policies, Event Hubs). Same values as the shared
 * contract io.recoflow.common.Topics, restated so the Pulumi program builds on its own (ContractsTest pins them).
 */
public final class KafkaTopics {
    public static final String EVENTS = "recoflow.events";
    public static final String EVENTS_DLT = "recoflow.events.DLT";
    public static final List<String> ALL = List.of(EVENTS, EVENTS_DLT);

    private KafkaTopics() {}
}
