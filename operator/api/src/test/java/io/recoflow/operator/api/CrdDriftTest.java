package io.recoflow.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** crds/ (what users apply) must be exactly what the build generates from the POJOs. */
class CrdDriftTest {
    static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    static final Path COMMITTED = Path.of("../../crds");
    static final String HOW = "crds/ is out of date with the CR classes. Refresh it from the repo root with:\n"
            + "  mvn -B -q -pl operator/api process-classes && cp operator/api/target/classes/META-INF/fabric8/*.yml crds/";

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            var generated = files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
            assertThat(generated).extracting(p -> p.getFileName().toString())
                    .containsExactly("modelversions.recoflow.io-v1.yml", "recommendationmodels.recoflow.io-v1.yml");
            for (Path g : generated) {
                Path c = COMMITTED.resolve(g.getFileName());
                assertThat(c).as(HOW).exists();
                assertThat(Files.readString(c)).as(HOW).isEqualTo(Files.readString(g));
            }
        }
        try (Stream<Path> files = Files.list(COMMITTED)) {
            assertThat(files.count()).as("unexpected files in crds/").isEqualTo(2);
        }
    }
}
