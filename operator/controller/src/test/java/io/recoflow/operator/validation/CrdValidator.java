package io.recoflow.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the API server does with a create or update of a custom resource, for the subset of OpenAPI our CRDs use:
 * structural defaulting, then schema validation (type, required, enum, minimum/maximum, pattern, length and item
 * bounds, unknown fields as with kubectl's default strict field validation), then every
 * {@code x-kubernetes-validations} rule compiled and evaluated with Google's cel-java, {@code self} bound to the
 * value at the rule's schema node and {@code oldSelf} to the old value there (transition rules run on updates only,
 * as in Kubernetes). The Kubernetes list library functions the rules use ({@code isSorted}, {@code sum}) are added
 * as CEL extension functions with the Kubernetes semantics. Not covered: CEL cost estimation, list-type map/set
 * correlation for {@code oldSelf} inside lists (the CRDs have no transition rules there), formats.
 */
final class CrdValidator {

    /** One rejection, as "path: message" the way kubectl prints it. */
    record Violation(String path, String keyword, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    /** A CEL rule where it sits in the schema. */
    record Rule(String schemaPath, ValidationRule rule) {}

    static final String CEL = "x-kubernetes-validations";
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            // Kubernetes list library (k8s.io/apiserver/pkg/cel/library/lists.go)
            .addFunctionDeclarations(
                    CelFunctionDecl.newFunctionDeclaration("isSorted", CelOverloadDecl.newMemberOverload(
                            "list_is_sorted", SimpleType.BOOL, ListType.create(TypeParamType.create("T")))),
                    CelFunctionDecl.newFunctionDeclaration("sum", CelOverloadDecl.newMemberOverload(
                            "list_sum", TypeParamType.create("T"), ListType.create(TypeParamType.create("T")))))
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addFunctionBindings(
                    CelFunctionBinding.from("list_is_sorted", List.class, CrdValidator::isSorted),
                    CelFunctionBinding.from("list_sum", List.class, CrdValidator::sum))
            .build();

    private final JSONSchemaProps root;
    private final Map<ValidationRule, CelRuntime.Program> programs = new HashMap<>();

    CrdValidator(JSONSchemaProps root) {
        this.root = root;
        for (Rule r : rules()) {
            try {
                CelAbstractSyntaxTree ast = COMPILER.compile(r.rule().getRule()).getAst();
                programs.put(r.rule(), RUNTIME.createProgram(ast));
            } catch (CelValidationException | CelEvaluationException e) {
                // the API server refuses a CRD whose rule does not compile
                throw new IllegalStateException("rule at " + r.schemaPath() + " does not compile: " + e.getMessage(), e);
            }
        }
    }

    static CrdValidator load(Path crdFile) throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(crdFile),
                CustomResourceDefinition.class);
        return new CrdValidator(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
    }

    JSONSchemaProps schema() {
        return root;
    }

    /** Every CEL rule of the CRD with the path of its schema node ("spec.rollout", "spec.placement"...). */
    List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        collect("", root, out);
        return out;
    }

    /** Validates a create ({@code old == null}) or an update. Both are defaulted first, as the API server does. */
    List<Violation> validate(Map<String, Object> obj, Map<String, Object> old) {
        Object value = defaulted(root, cel(obj));
        Object previous = old == null ? null : defaulted(root, cel(old));
        List<Violation> out = new ArrayList<>();
        check("", root, value, previous, out);
        return out;
    }

    /** The object as CEL sees JSON: maps, lists, Long, Double, String, Boolean. */
    @SuppressWarnings("unchecked")
    static Object cel(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, cel(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(cel(x)));
            return out;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float || v instanceof BigDecimal) {
            return ((Number) v).doubleValue();
        }
        return v;
    }

    private static void collect(String path, JSONSchemaProps s, List<Rule> out) {
        if (s == null) {
            return;
        }
        if (s.getXKubernetesValidations() != null) {
            s.getXKubernetesValidations().forEach(r -> out.add(new Rule(path, r)));
        }
        if (s.getProperties() != null) {
            s.getProperties().forEach((name, p) -> collect(join(path, name), p, out));
        }
        if (s.getItems() != null) {
            collect(path + "[*]", s.getItems().getSchema(), out);
        }
        if (s.getAdditionalProperties() != null) {
            collect(path + "[*]", s.getAdditionalProperties().getSchema(), out);
        }
    }

    /** Structural defaulting: a missing property with a default gets it, at every level that is present. */
    @SuppressWarnings("unchecked")
    private static Object defaulted(JSONSchemaProps s, Object v) {
        if (s == null || v == null) {
            return v;
        }
        if (v instanceof Map<?, ?> m && s.getProperties() != null) {
            Map<String, Object> map = (Map<String, Object>) m;
            s.getProperties().forEach((name, p) -> {
                if (!map.containsKey(name) && p.getDefault() != null) {
                    map.put(name, cel(JSON.convertValue(p.getDefault(), Object.class)));
                }
                if (map.containsKey(name)) {
                    map.put(name, defaulted(p, map.get(name)));
                }
            });
        } else if (v instanceof Map<?, ?> m && s.getAdditionalProperties() != null) {
            ((Map<String, Object>) m).replaceAll((k, x) -> defaulted(s.getAdditionalProperties().getSchema(), x));
        } else if (v instanceof List<?> l && s.getItems() != null) {
            ((List<Object>) l).replaceAll(x -> defaulted(s.getItems().getSchema(), x));
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private void check(String path, JSONSchemaProps s, Object v, Object old, List<Violation> out) {
        if (v == null || s == null) {
            return;
        }
        if (!typeMatches(s, v)) {
            out.add(new Violation(path, "type", "must be of type " + s.getType()));
            return;
        }
        if (s.getEnum() != null && !s.getEnum().isEmpty()
                && s.getEnum().stream().map(n -> cel(JSON.convertValue(n, Object.class))).noneMatch(v::equals)) {
            out.add(new Violation(path, "enum", "Unsupported value: \"" + v + "\""));
        }
        if (v instanceof Number n) {
            if (s.getMinimum() != null && n.doubleValue() < s.getMinimum()) {
                out.add(new Violation(path, "minimum", "must be >= " + fmt(s.getMinimum())));
            }
            if (s.getMaximum() != null && n.doubleValue() > s.getMaximum()) {
                out.add(new Violation(path, "maximum", "must be <= " + fmt(s.getMaximum())));
            }
        }
        if (v instanceof String str) {
            int len = str.codePointCount(0, str.length());
            if (s.getPattern() != null && !Pattern.compile(s.getPattern()).matcher(str).find()) {
                out.add(new Violation(path, "pattern", "must match " + s.getPattern()));
            }
            if (s.getMinLength() != null && len < s.getMinLength()) {
                out.add(new Violation(path, "minLength", "must be at least " + s.getMinLength() + " chars long"));
            }
            if (s.getMaxLength() != null && len > s.getMaxLength()) {
                out.add(new Violation(path, "maxLength", "must be at most " + s.getMaxLength() + " chars long"));
            }
        }
        if (v instanceof List<?> list) {
            if (s.getMinItems() != null && list.size() < s.getMinItems()) {
                out.add(new Violation(path, "minItems", "must have at least " + s.getMinItems() + " items"));
            }
            if (s.getMaxItems() != null && list.size() > s.getMaxItems()) {
                out.add(new Violation(path, "maxItems", "must have at most " + s.getMaxItems() + " items"));
            }
            // lists here are atomic: the API server does not correlate their items with the old object
            for (int i = 0; i < list.size(); i++) {
                check(path + "[" + i + "]", s.getItems().getSchema(), list.get(i), null, out);
            }
        }
        if (v instanceof Map<?, ?> map && !Boolean.TRUE.equals(s.getXKubernetesIntOrString())) {
            Map<String, Object> oldMap = old instanceof Map<?, ?> o ? (Map<String, Object>) o : Map.of();
            if (s.getRequired() != null) {
                new TreeSet<>(s.getRequired()).stream().filter(r -> !map.containsKey(r))
                        .forEach(r -> out.add(new Violation(join(path, r), "required", "Required value")));
            }
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                String p = join(path, e.getKey());
                JSONSchemaProps child = s.getProperties() == null ? null : s.getProperties().get(e.getKey());
                if (child == null && s.getAdditionalProperties() != null) {
                    child = s.getAdditionalProperties().getSchema();
                }
                if (child != null) {
                    check(p, child, e.getValue(), oldMap.get(e.getKey()), out);
                } else if (!(path.isEmpty() && ROOT_FIELDS.contains(e.getKey()))
                        && !Boolean.TRUE.equals(s.getXKubernetesPreserveUnknownFields())) {
                    out.add(new Violation(p, "unknown", "unknown field"));
                }
            }
        }
        if (s.getXKubernetesValidations() != null) {
            for (ValidationRule r : s.getXKubernetesValidations()) {
                evaluate(path, r, v, old, out);
            }
        }
    }

    private void evaluate(String path, ValidationRule r, Object self, Object old, List<Violation> out) {
        boolean transition = r.getRule().contains("oldSelf");
        if (transition && old == null) {
            return; // Kubernetes runs transition rules only when there is an old value to compare with
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("self", self);
        if (transition) {
            vars.put("oldSelf", old);
        }
        try {
            Object result = programs.get(r).eval(vars);
            if (!Boolean.TRUE.equals(result)) {
                out.add(new Violation(path, CEL, r.getMessage() != null ? r.getMessage()
                        : "failed rule: " + r.getRule()));
            }
        } catch (CelEvaluationException e) {
            // the API server reports an evaluation error as a rejection with the error text
            out.add(new Violation(path, CEL, "rule error: " + e.getMessage()));
        }
    }

    private static boolean typeMatches(JSONSchemaProps s, Object v) {
        if (Boolean.TRUE.equals(s.getXKubernetesIntOrString())) {
            return v instanceof Long || v instanceof String;
        }
        if (s.getType() == null) {
            return true;
        }
        return switch (s.getType()) {
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            case "string" -> v instanceof String;
            case "integer" -> v instanceof Long;
            case "number" -> v instanceof Long || v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            default -> throw new IllegalStateException("schema type not handled: " + s.getType());
        };
    }

    /**
     * Keywords this validator does not evaluate but the schema uses (a validator that silently skipped them would
     * let bad input through). {@code anyOf} only as the generator writes it for int-or-string.
     */
    static List<String> unsupportedKeywords(String path, JSONSchemaProps s) {
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        Map<String, Object> kw = new LinkedHashMap<>();
        kw.put("format", s.getFormat());
        kw.put("nullable", s.getNullable());
        kw.put("exclusiveMinimum", s.getExclusiveMinimum());
        kw.put("exclusiveMaximum", s.getExclusiveMaximum());
        kw.put("multipleOf", s.getMultipleOf());
        kw.put("uniqueItems", s.getUniqueItems());
        kw.put("minProperties", s.getMinProperties());
        kw.put("maxProperties", s.getMaxProperties());
        kw.put("allOf", empty(s.getAllOf()));
        kw.put("oneOf", empty(s.getOneOf()));
        kw.put("not", s.getNot());
        kw.put("patternProperties", s.getPatternProperties() == null || s.getPatternProperties().isEmpty()
                ? null : s.getPatternProperties());
        kw.put("x-kubernetes-list-type", s.getXKubernetesListType());
        kw.put("x-kubernetes-map-type", s.getXKubernetesMapType());
        kw.put("x-kubernetes-embedded-resource", s.getXKubernetesEmbeddedResource());
        kw.put("anyOf", Boolean.TRUE.equals(s.getXKubernetesIntOrString()) ? null : empty(s.getAnyOf()));
        kw.forEach((k, x) -> {
            if (x != null && !Boolean.FALSE.equals(x)) {
                out.add(path + ": " + k);
            }
        });
        if (s.getXKubernetesValidations() != null) {
            s.getXKubernetesValidations().stream()
                    .filter(r -> r.getMessageExpression() != null || r.getOptionalOldSelf() != null)
                    .forEach(r -> out.add(path + ": messageExpression/optionalOldSelf in " + r.getRule()));
        }
        if (s.getProperties() != null) {
            s.getProperties().forEach((n, p) -> out.addAll(unsupportedKeywords(join(path, n), p)));
        }
        if (s.getItems() != null) {
            out.addAll(unsupportedKeywords(path + "[*]", s.getItems().getSchema()));
        }
        if (s.getAdditionalProperties() != null) {
            out.addAll(unsupportedKeywords(path + "[*]", s.getAdditionalProperties().getSchema()));
        }
        return out;
    }

    private static Object empty(List<?> l) {
        return l == null || l.isEmpty() ? null : l;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    // Kubernetes list library: <list(T)>.isSorted() -> bool, <list(T)>.sum() -> T (0 of T for an empty list)

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object isSorted(List<?> list) {
        for (int i = 1; i < list.size(); i++) {
            if (((Comparable) list.get(i - 1)).compareTo(list.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static Object sum(List<?> list) {
        if (list.stream().allMatch(Long.class::isInstance)) {
            long total = 0;
            for (Object o : list) {
                total = Math.addExact(total, (Long) o);
            }
            return total;
        }
        return list.stream().mapToDouble(o -> ((Number) o).doubleValue()).sum();
    }

    static JsonNode json(Object o) {
        return JSON.valueToTree(o);
    }
}
