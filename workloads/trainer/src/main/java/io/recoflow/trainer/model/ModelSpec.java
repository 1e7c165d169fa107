package io.recoflow.trainer.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model type with parameters, written {@code type[:key=value[:key=value...]]}, e.g. {@code ease:lambda=400} or
 * {@code als:factors=64:lambda=5:alpha=10}. Unset parameters take the defaults below.
 */
public record ModelSpec(String type, Map<String, String> params) {

    private static final Map<String, Set<String>> KNOWN = Map.of(
            "popular", Set.of(),
            "repeat", Set.of(),
            "itemknn", Set.of("neighbours"),
            "ease", Set.of("lambda"),
            "als", Set.of("factors", "lambda", "alpha", "iterations", "solver", "cgSteps", "scaleLambda", "seed",
                    "threads"));

    public ModelSpec {
        if (!KNOWN.containsKey(type)) {
            throw new IllegalArgumentException("unknown model '" + type + "' (one of " + KNOWN.keySet() + ")");
        }
        for (String k : params.keySet()) {
            if (!KNOWN.get(type).contains(k)) {
                throw new IllegalArgumentException("unknown parameter '" + k + "' for " + type + " (known: "
                        + KNOWN.get(type) + ")");
            }
        }
        params = Map.copyOf(params);
    }

    public static ModelSpec parse(String s) {
        String[] parts = s.trim().split(":");
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value in '" + s + "'");
            }
            p.put(parts[i].substring(0, eq).trim(), parts[i].substring(eq + 1).trim());
        }
        return new ModelSpec(parts[0].trim().toLowerCase(), p);
    }

    public ModelSpec with(String key, String value) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put(key, value);
        return new ModelSpec(type, p);
    }

    public Recommender create() {
        return switch (type) {
            case "popular" -> new PopularRecommender();
            case "repeat" -> new RepeatRecommender();
            case "itemknn" -> new ItemKnnRecommender(integer("neighbours", 100));
            case "ease" -> new EaseRecommender(number("lambda", 250));
            case "als" -> new AlsRecommender(integer("factors", 64), number("lambda", 1), number("alpha", 10),
                    integer("iterations", 15), AlsRecommender.Solver.valueOf(text("solver", "cg").toUpperCase()),
                    integer("cgSteps", 3), Boolean.parseBoolean(text("scaleLambda", "false")),
                    (long) number("seed", 42), integer("threads", Runtime.getRuntime().availableProcessors()));
            default -> throw new IllegalStateException(type);
        };
    }

    public int integer(String key, int dflt) {
        try {
            return params.containsKey(key) ? Integer.parseInt(params.get(key)) : dflt;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(type + ": " + key + " must be an integer, got " + params.get(key));
        }
    }

    public double number(String key, double dflt) {
        try {
            return params.containsKey(key) ? Double.parseDouble(params.get(key)) : dflt;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(type + ": " + key + " must be a number, got " + params.get(key));
        }
    }

    public String text(String key, String dflt) {
        return params.getOrDefault(key, dflt);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type);
        new java.util.TreeMap<>(params).forEach((k, v) -> sb.append(':').append(k).append('=').append(v));
        return sb.toString();
    }
}
