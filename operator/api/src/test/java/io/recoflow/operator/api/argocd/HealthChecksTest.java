package io.recoflow.operator.api.argocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.argocd.LuaHealth.Verdict;
import io.recoflow.operator.api.placement.ClusterTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Argo CD health checks in argocd/resource_customizations/recoflow.io, run the way Argo CD's own
 * resource_customizations tests run them: every case of each kind's health_test.yaml, its testdata object through
 * health.lua, on the real lua5.1, with the exact status and message expected. The testdata must also be objects
 * the CR classes can read (no misspelt field, no phase the enums lack), so they stay what the operator writes.
 */
class HealthChecksTest {
    static final Path ROOT = Path.of(System.getProperty("recoflow.repo.root", "../.."));
    static final Path CUSTOMIZATIONS = ROOT.resolve("argocd/resource_customizations/recoflow.io");
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "RecommendationModel", RecommendationModel.class, "ModelVersion", ModelVersion.class,
            "ClusterTarget", ClusterTarget.class,
            "ABExperiment", io.recoflow.operator.api.experiment.ABExperiment.class,
            "CloudCostBudget", io.recoflow.operator.api.budget.CloudCostBudget.class,
            "TrainingSchedule", io.recoflow.operator.api.training.TrainingSchedule.class,
            "FeaturePipeline", io.recoflow.operator.api.pipeline.FeaturePipeline.class);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @BeforeAll
    static void luaIsInstalled() {
        assertThat(LuaHealth.available()).as(LuaHealth.LUA + " is not on PATH. The Argo CD health checks are tested "
                + "on the real Lua 5.1 interpreter: `apt-get install lua5.1` (.ci/run installs it when missing), or "
                + "-Drecoflow.lua=/path/to/lua5.1").isTrue();
    }

    record Case(String kind, String inputPath, Verdict expected) {}

    static List<Case> cases(String kind) throws IOException {
        JsonNode tests = YAML.readTree(CUSTOMIZATIONS.resolve(kind).resolve("health_test.yaml").toFile()).path("tests");
        List<Case> out = new ArrayList<>();
        for (JsonNode t : tests) {
            JsonNode expected = t.path("healthStatus");
            out.add(new Case(kind, t.path("inputPath").asText(),
                    new Verdict(expected.path("status").asText(), expected.path("message").asText(""))));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyHealthTestCaseGetsItsVerdict() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String kind : new TreeSet<>(KINDS.keySet())) {
            Path script = LuaHealth.script(ROOT, "recoflow.io", kind);
            for (Case c : cases(kind)) {
                tests.add(DynamicTest.dynamicTest(kind + " " + c.inputPath() + " -> " + c.expected().status(), () -> {
                    JsonNode object = YAML.readTree(CUSTOMIZATIONS.resolve(kind).resolve(c.inputPath()).toFile());
                    assertThat(LuaHealth.evaluate(script, object)).isEqualTo(c.expected());
                }));
            }
        }
        return tests.stream();
    }

    /** What a scenario test will do: hand over the CR object the operator produced. */
    @Test
    void aCrObjectGetsTheSameVerdictAsItsYaml() throws IOException {
        for (String kind : KINDS.keySet()) {
            for (Case c : cases(kind)) {
                HasMetadata cr = YAML.readValue(CUSTOMIZATIONS.resolve(kind).resolve(c.inputPath()).toFile(),
                        KINDS.get(kind));
                assertThat(LuaHealth.evaluate(LuaHealth.script(ROOT, cr), cr)).as(kind + " " + c.inputPath())
                        .isEqualTo(c.expected());
            }
        }
    }

    @Test
    void testdataAreObjectsTheCrClassesRead() throws IOException {
        for (String kind : KINDS.keySet()) {
            for (Case c : cases(kind)) {
                Path f = CUSTOMIZATIONS.resolve(kind).resolve(c.inputPath());
                HasMetadata cr = STRICT.readValue(f.toFile(), KINDS.get(kind));
                assertThat(cr.getKind()).as(f.toString()).isEqualTo(kind);
                assertThat(cr.getMetadata().getGeneration()).as(f + " metadata.generation").isNotNull();
            }
        }
    }

    @Test
    void everyTestdataFileIsATestCaseAndEveryRuleIsCovered() throws IOException {
        for (String kind : KINDS.keySet()) {
            Set<String> listed = cases(kind).stream().map(Case::inputPath).collect(Collectors.toSet());
            try (Stream<Path> files = Files.list(CUSTOMIZATIONS.resolve(kind).resolve("testdata"))) {
                assertThat(files.map(p -> "testdata/" + p.getFileName())).as(kind + " testdata not in health_test.yaml")
                        .allMatch(listed::contains);
            }
        }
        assertThat(cases("RecommendationModel")).hasSizeGreaterThanOrEqualTo(8)
                .extracting(c -> c.expected().status())
                .contains("Healthy", "Progressing", "Degraded", "Suspended");
        assertThat(cases("ModelVersion")).hasSizeGreaterThanOrEqualTo(6)
                .extracting(c -> c.expected().status())
                .contains("Healthy", "Progressing", "Degraded");
        assertThat(cases("ABExperiment")).hasSizeGreaterThanOrEqualTo(9)
                .extracting(c -> c.expected().status())
                .contains("Healthy", "Progressing", "Degraded", "Suspended");
        assertThat(cases("CloudCostBudget")).hasSizeGreaterThanOrEqualTo(7)
                .extracting(c -> c.expected().status())
                .contains("Healthy", "Progressing", "Degraded");
        assertThat(cases("TrainingSchedule")).hasSizeGreaterThanOrEqualTo(7)
                .extracting(c -> c.expected().status())
                .contains("Healthy", "Progressing", "Degraded");
        assertThat(cases("FeaturePipeline")).hasSizeGreaterThanOrEqualTo(11)
                .extracting(c -> c.expected().status())
                .contains("Healthy", "Progressing", "Degraded");
        assertThat(cases("ClusterTarget")).hasSizeGreaterThanOrEqualTo(6)
                .extracting(c -> c.expected().status())
                .contains("Healthy", "Progressing", "Degraded");
    }

    @Test
    void aBrokenScriptFailsLoudly(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        JsonNode obj = YAML.readTree("{metadata: {generation: 1}, status: {observedGeneration: 1}}");
        Path usesString = Files.writeString(dir.resolve("string.lua"),
                "return {status = string.upper('healthy')}"); // Argo CD has no string library
        assertThatThrownBy(() -> LuaHealth.evaluate(usesString, obj)).hasMessageContaining("failed");
        Path wrongStatus = Files.writeString(dir.resolve("status.lua"), "return {status = 'Fine'}");
        assertThatThrownBy(() -> LuaHealth.evaluate(wrongStatus, obj)).hasMessageContaining("'Fine'");
        Path lua52 = Files.writeString(dir.resolve("goto.lua"), "goto done\n::done::\nreturn {status = 'Healthy'}");
        assertThatThrownBy(() -> LuaHealth.evaluate(lua52, obj)).hasMessageContaining("rejected");
    }

    @Test
    void jsonBecomesTheLuaTableArgoCdBuilds() {
        JsonNode v = YAML.valueToTree(Map.of("a", List.of(1, 2.5, "x\"\n\u00e9"), "b", Map.of()));
        assertThat(LuaHealth.toLua(v)).contains("[\"a\"]={1,2.5,\"x\\\"\\010\\195\\169\",}").contains("[\"b\"]={}");
    }
}
