package io.recoflow.trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options (repeatable) and {@code --flag} switches; anything else is an error. */
final class Args {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    Args(String[] argv, int from, Set<String> options, Set<String> flags) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq > 0 && options.contains(name.substring(0, eq))) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                values.computeIfAbsent(name, n -> new ArrayList<>()).add("true");
            } else if (options.contains(name)) {
                if (inline == null && i + 1 >= argv.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                values.computeIfAbsent(name, n -> new ArrayList<>()).add(inline != null ? inline : argv[++i]);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
    }

    String get(String name, String dflt) {
        List<String> v = values.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    String required(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    int integer(String name, int dflt) {
        String v = get(name, null);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got " + v);
        }
    }
}
