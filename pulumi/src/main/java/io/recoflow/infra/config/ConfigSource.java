package io.recoflow.infra.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.pulumi.Context;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Raw `recoflow:*` stack settings, from the Pulumi engine or from a Pulumi.&lt;stack&gt;.yaml file.
 * The same typed settings classes read both, so tests and the cost model see exactly what `pulumi up` sees.
 */
public final class ConfigSource {
    public static final String NAMESPACE = "recoflow";

    private final String stack;
    private final Function<String, Optional<String>> lookup;

    public ConfigSource(String stack, Function<String, Optional<String>> lookup) {
        this.stack = stack;
        this.lookup = lookup;
    }

    /** Keys without a namespace are read from `recoflow:`; `aws:region`-style keys from their own namespace. */
    public static ConfigSource of(Context ctx) {
        var config = ctx.config(NAMESPACE);
        return new ConfigSource(ctx.stackName(), key -> {
            int colon = key.indexOf(':');
            return colon < 0 ? config.get(key) : ctx.config(key.substring(0, colon)).get(key.substring(colon + 1));
        });
    }

    /** Reads `config:` of a stack file; lists become JSON arrays, as `pulumi config set --path` stores them. */
    public static ConfigSource fromStackFile(Path file) {
        var name = file.getFileName().toString();
        if (!name.startsWith("Pulumi.") || !name.endsWith(".yaml")) {
            throw new IllegalArgumentException("not a Pulumi stack file: " + file);
        }
        var stack = name.substring("Pulumi.".length(), name.length() - ".yaml".length());
        Map<String, Object> doc;
        try (Reader r = Files.newBufferedReader(file)) {
            doc = new Yaml().load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        var values = new LinkedHashMap<String, String>();
        Object config = doc == null ? null : doc.get("config");
        if (config instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (key.startsWith(NAMESPACE + ":") && v != null) {
                    values.put(key.substring(NAMESPACE.length() + 1), text(v));
                } else if (v != null) {
                    values.put(key, text(v));
                }
            });
        }
        return new ConfigSource(stack, k -> Optional.ofNullable(values.get(k)));
    }

    private static String text(Object v) {
        if (v instanceof List<?> list) {
            var arr = new JsonArray();
            list.forEach(e -> arr.add(String.valueOf(e)));
            return arr.toString();
        }
        return String.valueOf(v);
    }

    /** This source with some keys replaced (tests, and values derived from another stack). */
    public ConfigSource with(Map<String, String> overrides) {
        var copy = Map.copyOf(overrides);
        return new ConfigSource(stack, k -> copy.containsKey(k) ? Optional.of(copy.get(k)) : lookup.apply(k));
    }

    public String stack() {
        return stack;
    }

    /** Value of a key outside the recoflow namespace, e.g. `aws:region`. */
    public Optional<String> raw(String key) {
        return lookup.apply(key);
    }

    public Optional<String> opt(String key) {
        return lookup.apply(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String str(String key, String def) {
        return opt(key).orElse(def);
    }

    public int integer(String key, int def) {
        var v = opt(key);
        if (v.isEmpty()) return def;
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("config " + NAMESPACE + ":" + key + " must be an integer, got '" + v.get() + "'");
        }
    }

    public boolean bool(String key, boolean def) {
        var v = opt(key);
        if (v.isEmpty()) return def;
        return switch (v.get().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("config " + NAMESPACE + ":" + key + " must be true/false, got '" + v.get() + "'");
        };
    }

    /** A JSON array (`["a","b"]`) or a comma-separated string. */
    public List<String> list(String key, List<String> def) {
        var v = opt(key);
        if (v.isEmpty()) return def;
        var out = new ArrayList<String>();
        if (v.get().startsWith("[")) {
            JsonParser.parseString(v.get()).getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        } else {
            for (var part : v.get().split(",")) {
                if (!part.isBlank()) out.add(part.trim());
            }
        }
        return List.copyOf(out);
    }
}
