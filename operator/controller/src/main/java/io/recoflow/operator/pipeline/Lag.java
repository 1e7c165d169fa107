package io.recoflow.operator.pipeline;

/**
 * A consumer group's lag over some topics: the sum and the largest single partition of end offset minus committed
 * offset; a partition the group never committed counts from offset 0 (everything in it is still to be read).
 *
 * @param committed sum of the group's committed offsets (messages it has processed)
 */
public record Lag(long total, long maxPartition, long committed) {}
