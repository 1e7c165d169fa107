package io.recoflow.operator.rollout;

import java.time.Duration;
import java.util.List;

/**
 * What the state machine decided: the next state, the transitions to announce, and when to look again
 * ({@code null}: only when something changes).
 */
public record Decision(RolloutState next, List<Transition> transitions, Duration requeue) {}
