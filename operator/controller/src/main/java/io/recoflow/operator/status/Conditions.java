package io.recoflow.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** metav1.Condition bookkeeping: lastTransitionTime moves only when the status flips. */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    private Conditions() {}

    /** @return true when status, reason or message changed */
    public static boolean set(List<Condition> list, String type, boolean status, String reason, String message,
            Long generation, Instant now) {
        String value = status ? "True" : "False";
        Optional<Condition> old = get(list, type);
        String since = old.filter(c -> value.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElse(now.toString());
        boolean changed = old.map(c -> !value.equals(c.getStatus()) || !Objects.equals(reason, c.getReason())
                || !Objects.equals(message, c.getMessage())).orElse(true);
        list.removeIf(c -> type.equals(c.getType()));
        list.add(new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build());
        list.sort((a, b) -> order(a.getType()) - order(b.getType()));
        return changed;
    }

    public static Optional<Condition> get(List<Condition> list, String type) {
        return list == null ? Optional.empty() : list.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> list, String type) {
        return get(list, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static int order(String type) {
        return switch (type) {
            case READY -> 0;
            case PROGRESSING -> 1;
            case DEGRADED -> 2;
            default -> 3;
        };
    }
}
