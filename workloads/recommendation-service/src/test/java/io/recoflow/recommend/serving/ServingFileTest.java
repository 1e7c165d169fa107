package io.recoflow.recommend.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recoflow.common.contract.Serving;
import io.recoflow.recommend.ConfigMapVolume;
import io.recoflow.recommend.config.RecommendProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the operator's serving.json from a ConfigMap volume: symlink swaps, bad files, the runtime. */
class ServingFileTest {
    static final String CANARY = """
            {"model":"recommender","runtime":"embedded","stable":1,"canary":2,"canaryWeight":30,"versions":[1,2]}
            """;
    static final String PROMOTED = """
            {"model":"recommender","runtime":"embedded","stable":2,"canaryWeight":0,"versions":[2]}
            """;

    @TempDir
    Path dir;
    final MeterRegistry meters = new SimpleMeterRegistry();
    ServingFile file;

    @AfterEach
    void stop() {
        if (file != null) {
            file.stop();
        }
    }

    ServingFile open(Path path, String runtime) {
        RecommendProperties p = new RecommendProperties();
        p.getServing().setFile(path);
        p.getServing().setPollInterval(Duration.ofMillis(20));
        p.getServing().setRuntime(runtime);
        file = new ServingFile(p, meters);
        return file;
    }

    double invalid() {
        return meters.counter("recoflow.serving.reload", "result", "invalid").count();
    }

    double failing() {
        return meters.get("recoflow.serving.reload.failing").gauge().value();
    }

    @Test
    void followsAConfigMapSymlinkSwapAndKeepsTheLastGoodConfigOnABadOne() {
        ConfigMapVolume volume = new ConfigMapVolume(dir);
        volume.write(Map.of(Serving.SERVING_KEY, CANARY));
        ServingFile f = open(volume.file(Serving.SERVING_KEY), Serving.RUNTIME_EMBEDDED);
        AtomicInteger changes = new AtomicInteger();
        f.onChange(changes::incrementAndGet);
        assertThat(f.config().canary()).isEqualTo(2L);
        assertThat(f.config().canaryWeight()).isEqualTo(30);
        assertThat(f.config().versions()).containsExactly(1L, 2L);

        volume.write(Map.of(Serving.SERVING_KEY, PROMOTED));
        await().atMost(Duration.ofSeconds(5)).until(() -> f.config().stable() == 2);
        assertThat(f.config().canary()).isNull();
        assertThat(changes.get()).isEqualTo(1);

        // not JSON, then JSON that fails validation: both rejected, the promoted config stays
        for (String bad : List.of("{\"model\": \"recommender\", ", """
                {"model":"recommender","runtime":"embedded","stable":3,"canaryWeight":20,"versions":[3]}
                """, """
                {"model":"recommender","runtime":"embedded","stable":3,"canaryWeight":0,"versions":[4]}
                """)) {
            double before = invalid();
            volume.write(Map.of(Serving.SERVING_KEY, bad));
            await().atMost(Duration.ofSeconds(5)).until(() -> invalid() > before);
            assertThat(f.config().stable()).isEqualTo(2L);
            assertThat(f.failing()).isTrue();
            assertThat(failing()).isEqualTo(1);
        }
        assertThat(changes.get()).isEqualTo(1);

        // the good content again (a fresh ..data directory): no change to apply, and no longer failing
        volume.write(Map.of(Serving.SERVING_KEY, PROMOTED));
        await().atMost(Duration.ofSeconds(5)).until(() -> !f.failing());
        assertThat(failing()).isZero();
        assertThat(changes.get()).isEqualTo(1);
        assertThat(meters.counter("recoflow.serving.reload", "result", "applied").count()).isEqualTo(2);
    }

    @Test
    void aRewriteInPlaceIsSeenByItsContent() throws Exception {
        Path p = Files.writeString(dir.resolve(Serving.SERVING_KEY), CANARY);
        ServingFile f = open(p, null);
        Files.writeString(p, CANARY.replace("\"canaryWeight\":30", "\"canaryWeight\":50"));
        await().atMost(Duration.ofSeconds(5)).until(() -> f.config().canaryWeight() == 50);
    }

    @Test
    void aFileForAnotherRuntimeIsRejected() throws Exception {
        Path p = Files.writeString(dir.resolve(Serving.SERVING_KEY), CANARY);
        ServingFile f = open(p, Serving.RUNTIME_TF_SERVING);
        assertThat(f.config()).isNull();
        assertThat(f.failing()).isTrue();
        assertThat(invalid()).isEqualTo(1);
    }

    @Test
    void tfServingNeedsAnEndpoint() throws Exception {
        Path p = Files.writeString(dir.resolve(Serving.SERVING_KEY), """
                {"model":"recommender","runtime":"tensorflow-serving","stable":1,"canaryWeight":0,"versions":[1]}
                """);
        assertThat(open(p, null).config()).isNull();
        Files.writeString(p, """
                {"model":"recommender","runtime":"tensorflow-serving","endpoint":"http://tfs.recs.svc:8501",
                 "stable":1,"canaryWeight":0,"versions":[1]}
                """);
        await().atMost(Duration.ofSeconds(5)).until(() -> file.config() != null);
        assertThat(file.config().endpoint()).isEqualTo("http://tfs.recs.svc:8501");
    }

    @Test
    void aMissingFileKeepsTheLastGoodConfig() throws Exception {
        Path p = Files.writeString(dir.resolve(Serving.SERVING_KEY), CANARY);
        ServingFile f = open(p, null);
        Files.delete(p);
        await().atMost(Duration.ofSeconds(5)).until(f::failing);
        assertThat(f.config().canary()).isEqualTo(2L);
        Files.writeString(p, CANARY);
        await().atMost(Duration.ofSeconds(5)).until(() -> !f.failing());
    }
}
