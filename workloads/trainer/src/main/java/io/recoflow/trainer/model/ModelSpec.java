package io.recoflow.trainer.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model type with parameters, written {@code type[:key=value[:key=value...]]}, e.g. {@code ease:lambda=400} or
 * {@code als:factors=64:lambda=5:alpha=10}. Unset parameters take the defaults below. {@code hybrid} takes its own
 * keys plus those of its {@code base}: {@code hybrid:base=ease:lambda=100:beta=0.5}.
 */
public record ModelSpec(String type, Map<String, String> params) {

    private static final Map<String, Set<String>> KNOWN = Map.of(
            "popular", Set.of(),
            "repeat", Set.of(),
            "itemknn", Set.of("neighbours"),
            "ease", Set.of("lambda"),
            "als", Set.of("factors", "lambda", "alpha", "iterations", "solver", "cgSteps", "scaleLambda", "seed",
                    "threads"),
            "hybrid", Set.of("base", "beta", "curve", "norm", "prior", "gamma", "recency", "rho", "delta", "trend",
                    "days"));
    private static final Set<String> HYBRID_BASES = Set.of("ease", "als", "itemknn");

    public ModelSpec {
        if (!KNOWN.containsKey(type)) {
            throw new IllegalArgumentException("unknown model '" + type + "' (one of " + KNOWN.keySet() + ")");
        }
        Set<String> known = KNOWN.get(type);
        if (type.equals("hybrid")) {
            String b = params.getOrDefault("base", "ease");
            if (!HYBRID_BASES.contains(b)) {
                throw new IllegalArgumentException("hybrid base must be one of " + HYBRID_BASES + ", got '" + b + "'");
            }
            known = new java.util.HashSet<>(known);
            known.addAll(KNOWN.get(b));
        }
        for (String k : params.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown parameter '" + k + "' for " + type + " (known: "
                        + new java.util.TreeSet<>(known) + ")");
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
            // defaults: the region that won on Online Retail's validation month (docs/benchmarks.md)
            case "hybrid" -> new HybridRecommender(baseSpec().create(), number("beta", 3),
                    choice("curve", HybridRecommender.Curve.LINEAR), choice("norm", HybridRecommender.Norm.MAX),
                    choice("prior", HybridRecommender.Prior.REBUY), number("gamma", 1),
                    number("recency", 1), number("rho", 0), number("delta", 0),
                    choice("trend", HybridRecommender.Trend.RECENT), number("days", 14));
            default -> throw new IllegalStateException(type);
        };
    }

    /** The base model of a hybrid: its type and the parameters that are not the hybrid's own. */
    public ModelSpec baseSpec() {
        Map<String, String> p = new LinkedHashMap<>(params);
        KNOWN.get("hybrid").forEach(p::remove);
        return new ModelSpec(text("base", "ease"), p);
    }

    private <E extends Enum<E>> E choice(String key, E dflt) {
        String v = params.get(key);
        if (v == null) {
            return dflt;
        }
        for (E e : dflt.getDeclaringClass().getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException(type + ": " + key + " must be one of "
                + java.util.Arrays.toString(dflt.getDeclaringClass().getEnumConstants()).toLowerCase() + ", got " + v);
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
