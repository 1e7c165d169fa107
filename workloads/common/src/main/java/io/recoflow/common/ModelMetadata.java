package io.recoflow.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code assets.extra/metadata.json} of a model version (see {@link ModelArtifact}).
 *
 * @param modelType ease | als | itemknn | popular | repeat
 * @param version the integer version directory name
 * @param params hyper-parameters used for training
 * @param datasetSha256 sha256 of the uncompressed training data
 * @param items item ids by index (index i in the SavedModel is items.get(i))
 * @param excludeHistory whether serving should drop items the user already has
 * @param metrics offline metrics (e.g. "ndcg@10")
 * @param createdAt when the artifact was written
 * @param itemShares each item's share of the training interactions (by weight; Online Retail: invoice lines), the
 *     largest first, at most {@value #SHARED_ITEMS} items, the rest summed under {@value #OTHER_ITEMS}; the sum is 1.
 *     The reference distribution for drift checks ({@link Psi}). Null when not recorded (versions written before it)
 * @param trainedUntil time of the newest training event (null when not recorded): a held-out window that starts
 *     before it was partly seen by this model
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetadata(
        String modelType,
        long version,
        Map<String, Object> params,
        String datasetSha256,
        List<String> items,
        boolean excludeHistory,
        Map<String, Double> metrics,
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> itemShares,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant trainedUntil) {

    /** Items {@link #itemShares} lists by name; the others share one bucket. */
    public static final int SHARED_ITEMS = 1_000;
    /** The {@link #itemShares} key of the items beyond the first {@value #SHARED_ITEMS}. */
    public static final String OTHER_ITEMS = "__other__";

    @JsonCreator
    public ModelMetadata {}

    /** Without the drift reference and the training end (as written before they existed). */
    public ModelMetadata(String modelType, long version, Map<String, Object> params, String datasetSha256,
            List<String> items, boolean excludeHistory, Map<String, Double> metrics, Instant createdAt) {
        this(modelType, version, params, datasetSha256, items, excludeHistory, metrics, createdAt, null, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static ModelMetadata read(Path versionDir) throws IOException {
        return JSON.readValue(ModelArtifact.metadataPath(versionDir).toFile(), ModelMetadata.class);
    }

    public void write(Path versionDir) throws IOException {
        Path file = ModelArtifact.metadataPath(versionDir);
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), this);
    }
}
