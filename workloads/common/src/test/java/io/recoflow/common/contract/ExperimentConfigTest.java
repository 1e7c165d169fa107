package io.recoflow.common.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentConfigTest {
    static final ExperimentConfig SPLIT = new ExperimentConfig(List.of(new ExperimentConfig.Experiment(
            "shop/ease-vs-als", "s1", 3600, List.of(
                    new ExperimentConfig.Variant("control", 70, 1L),
                    new ExperimentConfig.Variant("candidate", 20, 2L),
                    new ExperimentConfig.Variant("newest", 10, null)))));

    @TempDir
    Path dir;

    @Test
    void theOperatorsJsonRoundTripsAndReadsAsYaml() throws Exception {
        String json = SPLIT.toJson();
        assertThat(json).contains("\"name\" : \"shop/ease-vs-als\"").contains("\"attributionWindowSeconds\" : 3600")
                .doesNotContain("null").doesNotContain("effectiveSalt");
        assertThat(ExperimentConfig.parse(json)).isEqualTo(SPLIT);
        assertThat(ExperimentFile.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(SPLIT);
        assertThat(ExperimentFile.parse("""
                experiments:
                  - name: shop/ease-vs-als
                    salt: s1
                    attributionWindowSeconds: 3600
                    unknownField: ignored
                    variants:
                      - {name: control, weight: 70, modelVersion: 1}
                      - {name: candidate, weight: 20, modelVersion: 2}
                      - {name: newest, weight: 10}
                """.getBytes(StandardCharsets.UTF_8))).isEqualTo(SPLIT);
    }

    @Test
    void anAbsentAttributionWindowIsOneDay() throws Exception {
        ExperimentConfig c = ExperimentConfig.parse(
                "{\"experiments\":[{\"name\":\"x\",\"variants\":[{\"name\":\"a\",\"weight\":1}]}]}");
        assertThat(c.first().attributionWindowSeconds()).isEqualTo(86_400);
        assertThat(c.first().effectiveSalt()).isEqualTo("x");
        assertThat(ExperimentFile.parse("experiments: [{name: x, variants: [{name: a, weight: 1}]}]"
                .getBytes(StandardCharsets.UTF_8)).first().attributionWindowSeconds()).isEqualTo(86_400);
        assertThat(ExperimentFile.parse(new byte[0])).isEqualTo(ExperimentConfig.NONE);
    }

    @Test
    void validateNamesEveryProblem() {
        ExperimentConfig bad = new ExperimentConfig(List.of(new ExperimentConfig.Experiment(
                "ns/" + "n".repeat(62), null, 0, List.of(
                        new ExperimentConfig.Variant("a:b", 1, null),
                        new ExperimentConfig.Variant("ok", -1, 0L),
                        new ExperimentConfig.Variant("ok", 0, null)))));
        assertThat(bad.validate()).containsExactlyInAnyOrder(
                "experiments[0].name must be 1..64 characters of [A-Za-z0-9._@/-]",
                "experiments[0].attributionWindowSeconds must be a positive number of seconds",
                "experiments[0].variants[0].name must be 1..64 characters of [A-Za-z0-9._@/-]",
                "experiments[0].variants[1].weight must be a finite number >= 0",
                "experiments[0].variants[1].modelVersion must be a positive integer",
                "experiments[0].variants[2].name ok is used twice");
        assertThatThrownBy(() -> ExperimentConfig.parse(bad.toJson()))
                .hasMessageStartingWith("invalid experiments.yaml: ");
        assertThat(SPLIT.validate()).isEmpty();
    }

    @Test
    void assignmentIsDeterministicFollowsWeightsAndMatchesTheReferenceHash() {
        Assigner a = new Assigner(SPLIT.first());
        Map<String, Integer> counts = new HashMap<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            String user = Integer.toString(12346 + i);
            String v = a.variant(user).name();
            assertThat(new Assigner(SPLIT.first()).variant(user).name()).isEqualTo(v);
            counts.merge(v, 1, Integer::sum);
        }
        // 3 sigma of a binomial at n=100k is under 0.5 percentage points
        assertThat(counts.get("control") / (double) n).isCloseTo(0.70, Offset.offset(0.01));
        assertThat(counts.get("candidate") / (double) n).isCloseTo(0.20, Offset.offset(0.01));
        assertThat(counts.get("newest") / (double) n).isCloseTo(0.10, Offset.offset(0.01));
        // the same input lands in the same bucket in every process and language (murmur3 reference values)
        assertThat(Murmur3.hash32("hello", 0)).isEqualTo(0x248bfa47);
        assertThat(Buckets.of("s1", "17850")).isEqualTo(Integer.remainderUnsigned(Murmur3.hash32("s1:17850", 0), 10_000));

        Assigner zero = new Assigner(new ExperimentConfig.Experiment("z", null, 60, List.of(
                new ExperimentConfig.Variant("never", 0, null), new ExperimentConfig.Variant("all", 3, null))));
        for (int i = 0; i < 1000; i++) {
            assertThat(zero.index("u" + i)).isEqualTo(1);
        }
    }

    /** Kubernetes mounts a ConfigMap as KEY -> ..data/KEY and ..data -> ..TIMESTAMP, and swaps ..data atomically. */
    @Test
    void theFileFollowsASymlinkSwapAndKeepsTheLastGoodConfig() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_25_07_00_00.1"));
        Files.writeString(v1.resolve(Serving.EXPERIMENTS_KEY), SPLIT.toJson());
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path link = Files.createSymbolicLink(dir.resolve(Serving.EXPERIMENTS_KEY),
                Path.of("..data/" + Serving.EXPERIMENTS_KEY));
        ExperimentFile file = new ExperimentFile(link);
        assertThat(file.config()).isEqualTo(ExperimentConfig.NONE);
        assertThat(file.reload()).isEqualTo(ExperimentFile.Reload.APPLIED);
        assertThat(file.config()).isEqualTo(SPLIT);
        assertThat(file.reload()).isEqualTo(ExperimentFile.Reload.UNCHANGED);

        // the same content under a new timestamp directory: nothing to apply
        swap(v1, "..2026_11_25_07_01_00.2", SPLIT.toJson());
        assertThat(file.reload()).isEqualTo(ExperimentFile.Reload.UNCHANGED);

        swap(v1, "..2026_11_25_07_02_00.3", "experiments:\n  - name: broken\n    variants: [{name: a, weight: -1}]\n");
        assertThat(file.reload()).isEqualTo(ExperimentFile.Reload.INVALID);
        assertThat(file.reload()).isEqualTo(ExperimentFile.Reload.UNCHANGED); // rejected once, not on every poll
        assertThat(file.config()).isEqualTo(SPLIT);

        swap(v1, "..2026_11_25_07_03_00.4", "experiments: [{name: other, variants: [{name: only, weight: 1}]}]\n");
        assertThat(file.reload()).isEqualTo(ExperimentFile.Reload.APPLIED);
        assertThat(file.config().first().name()).isEqualTo("other");

        Files.delete(link);
        assertThat(file.reload()).isEqualTo(ExperimentFile.Reload.APPLIED);
        assertThat(file.config()).isEqualTo(ExperimentConfig.NONE);
    }

    private void swap(Path sibling, String name, String content) throws Exception {
        Path target = Files.createDirectory(sibling.resolveSibling(name));
        Files.writeString(target.resolve(Serving.EXPERIMENTS_KEY), content);
        Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), target.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
