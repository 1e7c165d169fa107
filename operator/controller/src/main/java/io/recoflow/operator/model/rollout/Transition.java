package io.recoflow.operator.model.rollout;

/** A step worth a Kubernetes Event. */
public record Transition(boolean warning, String reason, String message) {
    static Transition normal(String reason, String message) {
        return new Transition(false, reason, message);
    }

    static Transition warning(String reason, String message) {
        return new Transition(true, reason, message);
    }
}
