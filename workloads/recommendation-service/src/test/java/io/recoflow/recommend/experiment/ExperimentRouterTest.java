package io.recoflow.recommend.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recoflow.common.contract.Assigner;
import io.recoflow.common.contract.ExperimentFile;
import io.recoflow.recommend.config.RecommendProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRouterTest {
    @TempDir
    Path dir;
    ExperimentRouter router;

    static final String SPLIT = """
            experiments:
              - name: ease-vs-als
                salt: s1
                variants:
                  - {name: control, weight: 70, modelVersion: 1}
                  - {name: candidate, weight: 20, modelVersion: 2}
                  - {name: newest, weight: 10}
            """;

    @AfterEach
    void stop() {
        if (router != null) {
            router.stop();
        }
    }

    ExperimentRouter router(Path file) {
        RecommendProperties p = new RecommendProperties();
        p.getExperiments().setFile(file);
        p.getExperiments().setPollInterval(Duration.ofMillis(50));
        router = new ExperimentRouter(p, new SimpleMeterRegistry());
        return router;
    }

    @Test
    void assignmentIsDeterministicAndFollowsWeights() throws Exception {
        Path f = Files.writeString(dir.resolve("experiments.yaml"), SPLIT);
        ExperimentRouter r = router(f);
        Map<String, Integer> counts = new HashMap<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            String user = Integer.toString(12346 + i);
            Assignment a = r.assign(user);
            assertThat(r.assign(user)).isEqualTo(a);
            counts.merge(a.variant(), 1, Integer::sum);
        }
        // 3 sigma of a binomial at n=100k is under 0.5 percentage points
        assertThat(counts.get("control") / (double) n).isCloseTo(0.70, org.assertj.core.data.Offset.offset(0.01));
        assertThat(counts.get("candidate") / (double) n).isCloseTo(0.20, org.assertj.core.data.Offset.offset(0.01));
        assertThat(counts.get("newest") / (double) n).isCloseTo(0.10, org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.assign("17850")).isEqualTo(r.assign("17850"));
        assertThat(r.assign("17850").experiment()).isEqualTo("ease-vs-als");
        assertThat(r.pinnedVersions()).containsExactlyInAnyOrder(1L, 2L);
        // one object per variant, handed out as is
        assertThat(r.assignments()).extracting(Assignment::variant).containsExactly("control", "candidate", "newest");
        assertThat(r.assign("17850")).isSameAs(r.assign("17850"));
        // the feature worker attributes outcomes with the same Assigner: both put every user in the same variant
        Assigner worker = new Assigner(ExperimentFile.parse(Files.readAllBytes(f)).first());
        for (int i = 0; i < 1000; i++) {
            assertThat(r.assign("u" + i).variant()).isEqualTo(worker.variant("u" + i).name());
        }
    }

    @Test
    void changingTheSaltReshufflesUsers() throws Exception {
        Path f = Files.writeString(dir.resolve("e.json"),
                "{\"experiments\":[{\"name\":\"x\",\"salt\":\"a\",\"variants\":[{\"name\":\"l\",\"weight\":1},{\"name\":\"r\",\"weight\":1}]}]}");
        ExperimentRouter r = router(f);
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            before.put("u" + i, r.assign("u" + i).variant());
        }
        Files.writeString(f, "{\"experiments\":[{\"name\":\"x\",\"salt\":\"b\",\"variants\":[{\"name\":\"l\",\"weight\":1},{\"name\":\"r\",\"weight\":1}]}]}");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            int moved = 0;
            for (int i = 0; i < 1000; i++) {
                moved += before.get("u" + i).equals(r.assign("u" + i).variant()) ? 0 : 1;
            }
            return moved > 350 && moved < 650;
        });
    }

    /** Kubernetes mounts a ConfigMap as KEY -> ..data/KEY and ..data -> ..TIMESTAMP, and swaps ..data atomically. */
    @Test
    void reloadsAConfigMapSymlinkSwapAndKeepsTheLastGoodConfig() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_25_07_00_00.1"));
        Files.writeString(v1.resolve("experiments.yaml"), SPLIT);
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("experiments.yaml"), Path.of("..data/experiments.yaml"));
        ExperimentRouter r = router(file);
        AtomicInteger changes = new AtomicInteger();
        r.onChange(changes::incrementAndGet);
        assertThat(r.config().experiments().get(0).name()).isEqualTo("ease-vs-als");

        Path v2 = Files.createDirectory(dir.resolve("..2026_11_25_07_01_00.2"));
        Files.writeString(v2.resolve("experiments.yaml"), """
                experiments:
                  - name: all-on-3
                    variants: [{name: only, weight: 1, modelVersion: 3}]
                """);
        swap(v2);
        await().atMost(Duration.ofSeconds(5)).until(() -> "all-on-3".equals(r.config().experiments().get(0).name()));
        assertThat(r.assign("anyone")).isEqualTo(new Assignment("all-on-3", "only", 3L));
        assertThat(changes.get()).isEqualTo(1);

        // an invalid file is rejected; the previous config keeps routing
        Path v3 = Files.createDirectory(dir.resolve("..2026_11_25_07_02_00.3"));
        Files.writeString(v3.resolve("experiments.yaml"), "experiments:\n  - name: broken\n    variants: [{name: a, weight: -1}]\n");
        swap(v3);
        Thread.sleep(300);
        assertThat(r.config().experiments().get(0).name()).isEqualTo("all-on-3");
        assertThat(changes.get()).isEqualTo(1);
    }

    private void swap(Path target) throws Exception {
        Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), target.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void noFileMeansNoExperiment() {
        ExperimentRouter r = router(dir.resolve("absent.yaml"));
        assertThat(r.assign("u")).isNull();
        assertThat(r.pinnedVersions()).isEmpty();
    }
}
