package io.recoflow.operator.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a CRD can replace a released one without breaking what users stored and wrote against it (the idea of
 * the Flink Kubernetes Operator's {@code CrdCompatibilityChecker}). Objects written against the released schema
 * must still be accepted, keep every field (the API server prunes fields the schema no longer lists) and keep
 * their types, so a new CRD may add but never take away:
 * <ul>
 *   <li>no served version, and no property of any object, array item or map value, may disappear;</li>
 *   <li>no enum value may disappear, and a free string may not become an enum (an enum may become a free
 *       string);</li>
 *   <li>no type may change ({@code x-kubernetes-int-or-string} and {@code anyOf} count as types), and a schema
 *       that kept unknown fields must keep keeping them.</li>
 * </ul>
 * Deliberately not checked: tighter validation (a new {@code required}, bounds, patterns, CEL rules). Those
 * refuse new writes of bad objects but lose nothing already stored; the CRD rules tests cover them.
 */
public final class CrdCompatibilityChecker {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CrdCompatibilityChecker() {}

    /** {@code java -cp ... CrdCompatibilityChecker NEW.yml RELEASED.yml...}: exit status 1 on any break. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: CrdCompatibilityChecker NEW_CRD.yml RELEASED_CRD.yml...");
            System.exit(2);
        }
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            for (String p : check(read(Path.of(args[i])), read(Path.of(args[0])))) {
                problems.add(args[i] + ": " + p);
            }
        }
        problems.forEach(System.err::println);
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    public static JsonNode read(Path crdFile) throws IOException {
        return YAML.readTree(crdFile.toFile());
    }

    /**
     * @param released a CustomResourceDefinition as released (parsed YAML or JSON)
     * @param current the CustomResourceDefinition that is to replace it
     * @return what breaks, one line each ("v1alpha1: spec.rollout.strategy: enum value canary removed"); empty when
     *     the current CRD is a compatible superset
     */
    public static List<String> check(JsonNode released, JsonNode current) {
        List<String> out = new ArrayList<>();
        for (String field : List.of("group", "scope")) {
            same("spec." + field, released.path("spec").path(field), current.path("spec").path(field), out);
        }
        for (String field : List.of("kind", "plural")) {
            same("spec.names." + field, released.path("spec").path("names").path(field),
                    current.path("spec").path("names").path(field), out);
        }
        for (JsonNode old : released.path("spec").path("versions")) {
            String name = old.path("name").asText();
            JsonNode now = version(current, name);
            if (now == null) {
                out.add(name + ": version removed");
                continue;
            }
            if (old.path("served").asBoolean(false) && !now.path("served").asBoolean(false)) {
                out.add(name + ": no longer served");
            }
            List<String> schema = new ArrayList<>();
            checkSchema("", old.path("schema").path("openAPIV3Schema"), now.path("schema").path("openAPIV3Schema"),
                    schema);
            schema.forEach(p -> out.add(name + ": " + p));
        }
        return out;
    }

    /**
     * Compares two openAPIV3Schema nodes (or any two sub-schemas) and appends what breaks, as "path: problem".
     * Paths use {@code .} for properties, {@code [*]} for array items and {@code {*}} for map values.
     */
    public static void checkSchema(String path, JsonNode old, JsonNode now, List<String> out) {
        if (old == null || old.isMissingNode()) {
            return;
        }
        String where = path.isEmpty() ? "<root>" : path;
        if (now == null || now.isMissingNode()) {
            out.add(where + ": schema removed");
            return;
        }
        String oldType = type(old);
        String newType = type(now);
        if (!Objects.equals(oldType, newType)) {
            out.add(where + ": type changed from " + oldType + " to " + newType);
            return; // what lies below a changed type is not comparable
        }
        if (old.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                && !now.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            out.add(where + ": no longer preserves unknown fields");
        }
        enums(where, old.path("enum"), now.path("enum"), out);

        for (Iterator<Map.Entry<String, JsonNode>> it = old.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String child = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
            JsonNode replacement = now.path("properties").path(p.getKey());
            if (replacement.isMissingNode()) {
                out.add(child + ": removed");
            } else {
                checkSchema(child, p.getValue(), replacement, out);
            }
        }
        if (old.has("items")) {
            checkSchema(path + "[*]", old.get("items"), now.path("items"), out);
        }
        JsonNode oldValues = old.path("additionalProperties");
        JsonNode newValues = now.path("additionalProperties");
        boolean anyValue = newValues.isBoolean() && newValues.asBoolean(); // still accepts and keeps every value
        if (oldValues.isObject() && !anyValue) {
            checkSchema(path + "{*}", oldValues, newValues.isObject() ? newValues : null, out);
        } else if (oldValues.isBoolean() && oldValues.asBoolean() && !anyValue) {
            out.add(where + ": additionalProperties no longer accepts any value");
        }
    }

    private static void enums(String where, JsonNode old, JsonNode now, List<String> out) {
        if (!old.isArray()) {
            if (now.isArray() && !now.isEmpty()) {
                out.add(where + ": became an enum " + now + " (other values were accepted)");
            }
            return;
        }
        if (!now.isArray() || now.isEmpty()) {
            return; // the enum became a free value: everything is still accepted
        }
        for (JsonNode value : old) {
            if (!contains(now, value)) {
                out.add(where + ": enum value " + value.asText() + " removed");
            }
        }
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode v : array) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** The type as the API server decides it; int-or-string and anyOf have no {@code type}. */
    private static String type(JsonNode s) {
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return "int-or-string";
        }
        if (s.has("type")) {
            return s.get("type").asText();
        }
        if (s.has("anyOf")) {
            return "anyOf" + s.get("anyOf");
        }
        return "any";
    }

    private static JsonNode version(JsonNode crd, String name) {
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        return null;
    }

    private static void same(String field, JsonNode old, JsonNode now, List<String> out) {
        if (!old.equals(now)) {
            out.add(field + " changed from " + old.asText() + " to " + now.asText());
        }
    }
}
