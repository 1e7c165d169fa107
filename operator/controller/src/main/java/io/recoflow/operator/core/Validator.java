package io.recoflow.operator.core;

import java.util.List;

/**
 * The CRD's OpenAPI and CEL rules of one kind again, in Java. The API server enforces them on clusters that
 * evaluate CEL; this catches objects that got past it anyway (API servers older than 1.28 without the list
 * library, CRDs applied before a rule existed, validation disabled). {@code CrdRulesEvaluationTest} evaluates the
 * CRD rules and checks that the validators reject the same inputs.
 */
public interface Validator<T> {
    /** @return problems as "spec.path: message", empty when valid */
    List<String> validate(T resource);

    static void required(List<String> errors, String path, Object value) {
        if (value == null) {
            errors.add(path + ": required");
        }
    }

    static void range(List<String> errors, String path, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            errors.add(path + ": must be within " + min + ".." + max);
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
