package io.recoflow.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMetadataTest {
    @TempDir
    Path dir;

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void itemSharesAndTrainingEndRoundTrip() throws Exception {
        ModelMetadata m = new ModelMetadata("ease", 3, Map.of("lambda", 250.0), "abc", List.of("A", "B", "C"), false,
                Map.of("ndcg@10", 0.1), NOW, Map.of("A", 0.6, ModelMetadata.OTHER_ITEMS, 0.4),
                Instant.parse("2011-10-31T17:00:00Z"));
        m.write(dir);
        assertThat(ModelMetadata.read(dir)).isEqualTo(m);
    }

    @Test
    void aFileWrittenBeforeTheFieldsReadsAsNotRecorded() throws Exception {
        Files.createDirectories(dir.resolve("assets.extra"));
        Files.writeString(dir.resolve(ModelArtifact.METADATA_FILE), """
                {"modelType":"ease","version":4,"params":{},"datasetSha256":"x","items":["A"],
                 "excludeHistory":true,"metrics":{"ndcg@10":0.4},"createdAt":"2026-11-25T00:00:00Z"}""");
        ModelMetadata m = ModelMetadata.read(dir);
        assertThat(m.itemShares()).isNull();
        assertThat(m.trainedUntil()).isNull();
        assertThat(m.metrics()).containsEntry("ndcg@10", 0.4);
        // and the old constructor writes the old document: no nulls for readers that predate the fields
        new ModelMetadata("ease", 4, Map.of(), "x", List.of("A"), true, Map.of(), NOW).write(dir);
        assertThat(Files.readString(dir.resolve(ModelArtifact.METADATA_FILE)))
                .doesNotContain("itemShares", "trainedUntil");
    }
}
