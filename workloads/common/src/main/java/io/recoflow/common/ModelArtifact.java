package io.recoflow.common;

import java.nio.file.Path;

/**
 * The contract between the trainer (writer) and serving (TensorFlow Serving or the recommendation service's embedded
 * TensorFlow Java scorer). A model base directory holds integer-versioned SavedModels, the layout TF Serving expects:
 *
 * <pre>
 * BASE/
 *   VERSION/                       e.g. 1732512000 (positive integer; the highest is served by default)
 *     saved_model.pb
 *     variables/...
 *     assets.extra/metadata.json   {@link ModelMetadata}: item index, params, metrics, dataset sha256
 * </pre>
 *
 * Signature {@value #SIGNATURE} (tag {@value #TAG}) scores one user:
 * <ul>
 *   <li>input {@value #INPUT_HISTORY}: int32 [n] item indices of the user's history (n may be 0; repeats weigh more)</li>
 *   <li>input {@value #INPUT_K}: int32 scalar, how many items to return (clamped to the item count by the caller)</li>
 *   <li>output {@value #OUTPUT_INDICES}: int32 [k] item indices, best first</li>
 *   <li>output {@value #OUTPUT_SCORES}: float32 [k] their scores</li>
 * </ul>
 * Items are mapped to ids through {@link ModelMetadata#items()}. History items are not removed by the model;
 * the caller filters them when {@link ModelMetadata#excludeHistory()} is true.
 */
public final class ModelArtifact {
    public static final String TAG = "serve";
    public static final String SIGNATURE = "serving_default";
    public static final String INPUT_HISTORY = "history";
    public static final String INPUT_K = "k";
    public static final String OUTPUT_INDICES = "indices";
    public static final String OUTPUT_SCORES = "scores";
    public static final String METADATA_FILE = "assets.extra/metadata.json";

    private ModelArtifact() {}

    public static Path metadataPath(Path versionDir) {
        return versionDir.resolve(METADATA_FILE);
    }
}
