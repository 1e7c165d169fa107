package io.recoflow.operator.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each rule of the checker, as a mutation of the released RecommendationModel and ModelVersion CRDs. */
class CrdCompatibilityCheckerTest {
    static final Path RELEASED = Path.of("src/test/resources/released-crds/v1alpha1");

    JsonNode rm;
    JsonNode mv;

    @BeforeEach
    void load() throws IOException {
        rm = CrdCompatibilityChecker.read(RELEASED.resolve("recommendationmodels.recoflow.io-v1.yml"));
        mv = CrdCompatibilityChecker.read(RELEASED.resolve("modelversions.recoflow.io-v1.yml"));
    }

    @Test
    void aCrdIsCompatibleWithItself() {
        assertThat(CrdCompatibilityChecker.check(rm, rm.deepCopy())).isEmpty();
        assertThat(CrdCompatibilityChecker.check(mv, mv.deepCopy())).isEmpty();
    }

    @Test
    void removedFieldIsABreak() {
        JsonNode next = rm.deepCopy();
        props(next, "spec", "rollout").remove("progressDeadlineSeconds");
        assertThat(CrdCompatibilityChecker.check(rm, next))
                .containsExactly("v1alpha1: spec.rollout.progressDeadlineSeconds: removed");
    }

    @Test
    void removedFieldInsideListItemsIsABreak() {
        JsonNode next = rm.deepCopy();
        ((ObjectNode) schema(next, "spec", "rollout", "steps").path("items").path("properties")).remove("pauseSeconds");
        assertThat(CrdCompatibilityChecker.check(rm, next))
                .containsExactly("v1alpha1: spec.rollout.steps[*].pauseSeconds: removed");
    }

    @Test
    void removedStatusFieldIsABreakToo() {
        // status is read back by the operator and by tools (Argo CD health checks, dashboards)
        JsonNode next = rm.deepCopy();
        props(next, "status").remove("canaryWeight");
        assertThat(CrdCompatibilityChecker.check(rm, next)).containsExactly("v1alpha1: status.canaryWeight: removed");
    }

    @Test
    void removedEnumValueIsABreak() {
        JsonNode next = rm.deepCopy();
        ArrayNode strategies = (ArrayNode) schema(next, "spec", "rollout", "strategy").path("enum");
        strategies.remove(indexOf(strategies, "blue-green"));
        assertThat(CrdCompatibilityChecker.check(rm, next))
                .containsExactly("v1alpha1: spec.rollout.strategy: enum value blue-green removed");
    }

    @Test
    void removedStatusPhaseIsABreak() {
        JsonNode next = mv.deepCopy();
        ArrayNode phases = (ArrayNode) schema(next, "status", "phase").path("enum");
        phases.remove(indexOf(phases, "Archived"));
        assertThat(CrdCompatibilityChecker.check(mv, next))
                .containsExactly("v1alpha1: status.phase: enum value Archived removed");
    }

    @Test
    void typeChangeIsABreak() {
        JsonNode next = mv.deepCopy();
        ((ObjectNode) schema(next, "spec", "version")).put("type", "string");
        assertThat(CrdCompatibilityChecker.check(mv, next))
                .containsExactly("v1alpha1: spec.version: type changed from integer to string");
    }

    @Test
    void mapValueTypeChangeIsABreak() {
        JsonNode next = mv.deepCopy();
        ((ObjectNode) schema(next, "status", "metrics").path("additionalProperties")).put("type", "string");
        assertThat(CrdCompatibilityChecker.check(mv, next))
                .containsExactly("v1alpha1: status.metrics{*}: type changed from number to string");
    }

    @Test
    void intOrStringBecomingAStringIsABreak() {
        JsonNode next = rm.deepCopy();
        ObjectNode quantity = (ObjectNode) schema(next, "spec", "resources", "requests").path("additionalProperties");
        quantity.removeAll();
        quantity.put("type", "string");
        assertThat(CrdCompatibilityChecker.check(rm, next))
                .containsExactly("v1alpha1: spec.resources.requests{*}: type changed from int-or-string to string");
    }

    @Test
    void freeStringBecomingAnEnumIsABreak() {
        JsonNode next = rm.deepCopy();
        ((ObjectNode) schema(next, "spec", "image")).putArray("enum").add("tensorflow/serving:2.18.0");
        assertThat(CrdCompatibilityChecker.check(rm, next)).singleElement().asString()
                .startsWith("v1alpha1: spec.image: became an enum");
    }

    @Test
    void removedVersionIsABreak() {
        JsonNode next = rm.deepCopy();
        ((ObjectNode) next.path("spec").path("versions").get(0)).put("name", "v1beta1");
        assertThat(CrdCompatibilityChecker.check(rm, next)).containsExactly("v1alpha1: version removed");
    }

    @Test
    void addedFieldAndAddedEnumValueAreCompatible() {
        JsonNode next = rm.deepCopy();
        props(next, "spec").putObject("shadowTraffic").put("type", "integer").put("minimum", 0.0);
        props(next, "status").putObject("shadowVersion").put("type", "integer");
        ((ArrayNode) schema(next, "spec", "rollout", "strategy").path("enum")).add("shadow");
        ((ArrayNode) schema(next, "status", "phase").path("enum")).add("Paused");
        assertThat(CrdCompatibilityChecker.check(rm, next)).isEmpty();
    }

    @Test
    void enumBecomingAFreeStringIsCompatible() {
        JsonNode next = mv.deepCopy();
        ((ObjectNode) schema(next, "spec", "stage")).remove("enum");
        assertThat(CrdCompatibilityChecker.check(mv, next)).isEmpty();
    }

    // --- helpers

    static JsonNode schema(JsonNode crd, String... path) {
        JsonNode s = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
        for (String p : path) {
            s = s.path("properties").path(p);
        }
        assertThat(s.isMissingNode()).as(String.join(".", path)).isFalse();
        return s;
    }

    static ObjectNode props(JsonNode crd, String... path) {
        return (ObjectNode) schema(crd, path).path("properties");
    }

    static int indexOf(ArrayNode array, String value) {
        for (int i = 0; i < array.size(); i++) {
            if (value.equals(array.get(i).asText())) {
                return i;
            }
        }
        throw new AssertionError(value + " not in " + array);
    }
}
