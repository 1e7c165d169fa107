package io.recoflow.operator.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build gate: the CRDs generated from the CR classes in this build must be compatible with every released CRD
 * in src/test/resources/released-crds/ (see the README there). Runs in the test phase, after the CRD generator
 * (process-classes), so a POJO change that removes a field or an enum value fails {@code mvn install}.
 */
class CrdCompatibilityTest {
    static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    static final Path RELEASED = Path.of("src/test/resources/released-crds");

    @Test
    void generatedCrdsKeepEverythingAReleasedCrdHad() throws IOException {
        List<Path> released;
        try (Stream<Path> files = Files.walk(RELEASED)) {
            released = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(released).as("released CRDs under " + RELEASED).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Path old : released) {
            Path now = GENERATED.resolve(old.getFileName());
            if (!Files.exists(now)) {
                problems.add(RELEASED.relativize(old) + ": the build no longer generates this CRD");
                continue;
            }
            for (String p : CrdCompatibilityChecker.check(CrdCompatibilityChecker.read(old),
                    CrdCompatibilityChecker.read(now))) {
                problems.add(RELEASED.relativize(old) + ": " + p);
            }
        }
        assertThat(problems).as("""
                The CR classes no longer fit a released CRD: users' stored objects would lose fields or be \
                refused. Add instead of removing or retyping (deprecate in the field's description), or start a new \
                API version. Problems""").isEmpty();
    }
}
