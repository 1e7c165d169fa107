package io.recoflow.trainer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryTest {
    @TempDir
    Path dir;

    @Test
    void versionsAliasesAndMetricsPersist() throws IOException {
        LocalRegistry reg = new LocalRegistry(dir);
        ModelRegistry.Version v1 = reg.register("shop-ease", "file:/models/ease/1", Map.of("lambda", "250"),
                Map.of("ndcg@10", 0.27));
        ModelRegistry.Version v2 = reg.register("shop-ease", "file:/models/ease/2", Map.of("lambda", "500"),
                Map.of("ndcg@10", 0.29));
        assertThat(v1.version()).isEqualTo("1");
        assertThat(v2.version()).isEqualTo("2");

        reg.setAlias("shop-ease", ModelRegistry.CHAMPION, "1");
        reg.setAlias("shop-ease", ModelRegistry.CHALLENGER, "2");
        // a second instance reads the same file
        LocalRegistry again = new LocalRegistry(dir);
        assertThat(again.byAlias("shop-ease", "champion")).get().satisfies(v -> {
            assertThat(v.version()).isEqualTo("1");
            assertThat(v.source()).isEqualTo("file:/models/ease/1");
            assertThat(v.metrics()).containsEntry("ndcg@10", 0.27);
            assertThat(v.params()).containsEntry("lambda", "250");
            assertThat(v.aliases()).containsExactly("champion");
        });
        // promotion moves the alias
        again.setAlias("shop-ease", ModelRegistry.CHAMPION, "2");
        assertThat(reg.byAlias("shop-ease", "champion")).get().extracting(ModelRegistry.Version::version)
                .isEqualTo("2");
        assertThat(reg.version("shop-ease", "2")).get().extracting(ModelRegistry.Version::aliases)
                .asList().containsExactly("challenger", "champion");
        assertThat(reg.version("shop-ease", "1")).get().extracting(ModelRegistry.Version::aliases).asList().isEmpty();
        assertThat(reg.versions("shop-ease")).hasSize(2);
        assertThat(reg.byAlias("other", "champion")).isEmpty();
        assertThat(reg.version("shop-ease", "9")).isEmpty();
    }

    @Test
    void rejectsUnknownVersionsAndBadNames() throws IOException {
        LocalRegistry reg = new LocalRegistry(dir);
        reg.register("m", "file:/x", Map.of(), Map.of());
        assertThatThrownBy(() -> reg.setAlias("m", "champion", "2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no version 2");
        assertThatThrownBy(() -> reg.register("../escape", "file:/x", Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelRegistry.open("s3://bucket")).isInstanceOf(IllegalArgumentException.class);
    }
}
