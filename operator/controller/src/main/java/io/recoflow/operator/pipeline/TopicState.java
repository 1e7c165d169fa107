package io.recoflow.operator.pipeline;

/**
 * What Kafka says about one topic after a reconcile.
 *
 * @param partitions the partition count Kafka reports (null: the topic does not exist)
 * @param message Kafka's refusal or the Topic Operator's condition, null when ready
 * @param changes what this reconcile changed, in words (created, partitions 6 -> 12, retention.ms corrected), or
 *     null
 */
public record TopicState(String name, Integer partitions, boolean ready, String message, String changes) {}
