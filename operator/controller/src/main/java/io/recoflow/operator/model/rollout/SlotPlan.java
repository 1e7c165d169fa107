package io.recoflow.operator.model.rollout;

import java.util.List;

/**
 * What one Deployment slot serves: the model base path, the versions TF-Serving loads (by path), the version labels
 * and the share of traffic that clients send to the {@code canary} label.
 */
public record SlotPlan(String slot, String uri, List<Long> versions, long stable, Long canary, int canaryWeight) {}
