package io.recoflow.operator.core;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The condition types of one kind, in the order `kubectl describe` shows them, and the one place conditions are
 * set (metav1.Condition shape: lastTransitionTime moves only when the status flips; observedGeneration is the
 * generation the condition speaks for).
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    private final List<String> types;

    private Conditions(List<String> types) {
        this.types = types;
    }

    /** The condition set of a kind: the types it may carry, in display order. */
    public static Conditions of(String... types) {
        return new Conditions(List.of(types));
    }

    /** @return true when status, reason or message changed */
    public boolean set(List<Condition> list, String type, boolean status, Reason reason, String message,
            Long generation, Instant now) {
        return set(list, type, status ? "True" : "False", reason, message, generation, now);
    }

    /** Unknown: the operator cannot tell (e.g. no fresh data), which is neither a yes nor a no. */
    public boolean unknown(List<Condition> list, String type, Reason reason, String message, Long generation,
            Instant now) {
        return set(list, type, "Unknown", reason, message, generation, now);
    }

    private boolean set(List<Condition> list, String type, String value, Reason reason, String message,
            Long generation, Instant now) {
        if (!types.contains(type)) {
            throw new IllegalArgumentException("condition " + type + " is not one of " + types);
        }
        Optional<Condition> old = get(list, type);
        String since = old.filter(c -> value.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElse(now.toString());
        boolean changed = old.map(c -> !value.equals(c.getStatus()) || !Objects.equals(reason.name(), c.getReason())
                || !Objects.equals(message, c.getMessage())).orElse(true);
        list.removeIf(c -> type.equals(c.getType()));
        list.add(new ConditionBuilder().withType(type).withStatus(value).withReason(reason.name())
                .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(since).build());
        list.sort((a, b) -> types.indexOf(a.getType()) - types.indexOf(b.getType()));
        return changed;
    }

    public static Optional<Condition> get(List<Condition> list, String type) {
        return list == null ? Optional.empty() : list.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> list, String type) {
        return get(list, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    public static boolean hasReason(List<Condition> list, String type, Reason reason) {
        return get(list, type).map(c -> reason.name().equals(c.getReason())).orElse(false);
    }
}
