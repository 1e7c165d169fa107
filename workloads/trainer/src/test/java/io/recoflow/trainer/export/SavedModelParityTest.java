package io.recoflow.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.common.ModelArtifact;
import io.recoflow.common.ModelMetadata;
import io.recoflow.trainer.TestData;
import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import io.recoflow.trainer.model.ModelSpec;
import io.recoflow.trainer.model.Recommender;
import io.recoflow.trainer.model.TopK;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exports each model family, loads it back with {@code SavedModelBundle.load} (a fresh graph and session), and checks
 * that the signature returns exactly the in-Java top-10 for 100 users of the sample data, plus the empty history.
 */
class SavedModelParityTest {
    static Dataset data;
    static Interactions train;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        data = Dataset.load(TestData.sample());
        train = Interactions.of(data.interactions());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ease:lambda=200", "itemknn:neighbours=50", "als:factors=16:iterations=4:alpha=5",
            "als:factors=8:iterations=2:scaleLambda=true:lambda=0.1", "popular", "repeat",
            "hybrid:base=ease:lambda=200:beta=0.3:curve=log:prior=popularity:gamma=0.5",
            "hybrid:base=als:factors=16:iterations=4:beta=2:norm=none:gamma=4",
            "hybrid:base=itemknn:neighbours=50:beta=0.05:curve=binary:gamma=0",
            "hybrid:base=ease:lambda=200:beta=3:recency=0.9:rho=2",
            "hybrid:base=als:factors=16:iterations=4:beta=1:curve=log:recency=0.7:rho=0.5:gamma=2",
            "hybrid:base=als:factors=16:iterations=4:beta=1:prior=rebuy_trend:gamma=4:delta=1",
            "hybrid:base=ease:lambda=200:beta=3:prior=trend:trend=lift:days=14:gamma=8:delta=0.5:recency=0.9",
            "hybrid:base=itemknn:neighbours=50:beta=2:norm=none:prior=rebuy:gamma=1:delta=2:days=60"})
    void savedModelReturnsTheJavaTop10(String spec) throws IOException {
        Recommender model = ModelSpec.parse(spec).create();
        SparseMatrix m = train.matrix();
        model.fit(train);
        ModelMetadata meta = new ModelMetadata(model.type(), 1_700_000_000L, Map.copyOf(model.params()),
                data.sha256(), train.items(), false, Map.of("ndcg@10", 0.1), Instant.parse("2026-11-25T00:00:00Z"));
        Path version = SavedModelExporter.export(model.export(), meta, dir);

        assertThat(version).isEqualTo(dir.resolve("1700000000"));
        assertThat(version.resolve("saved_model.pb")).isRegularFile();
        assertThat(version.resolve("variables/variables.index")).isRegularFile();
        ModelMetadata read = ModelMetadata.read(version);
        assertThat(read.modelType()).isEqualTo(model.type());
        assertThat(read.version()).isEqualTo(1_700_000_000L);
        assertThat(read.datasetSha256()).isEqualTo(data.sha256());
        assertThat(read.items().equals(train.items())).as("item index round trip").isTrue();
        assertThat(read.params().keySet()).isEqualTo(model.params().keySet());

        try (org.tensorflow.SavedModelBundle b = org.tensorflow.SavedModelBundle.load(version.toString(), "serve")) {
            var sig = b.metaGraphDef().getSignatureDefMap().get(ModelArtifact.SIGNATURE);
            assertThat(sig.getMethodName()).isEqualTo("tensorflow/serving/predict");
            assertThat(sig.getInputsMap()).containsOnlyKeys("history", "k");
            assertThat(sig.getOutputsMap()).containsOnlyKeys("indices", "scores");
            if (model.type().equals("hybrid")) {
                // the recommendation service's Java fast path keys on "item_weights": a blend must not match it
                assertThat(b.graph().operation("item_weights")).isNull();
                assertThat(b.graph().operation("repeat_beta")).isNotNull();
                // the trend term is in the graph exactly when it is on
                assertThat(b.graph().operation("item_trend") != null)
                        .isEqualTo(!model.params().get("delta").equals(0.0));
            }
        }
        float[] scores = new float[model.items()];
        try (SavedModelScorer tf = SavedModelScorer.load(version)) {
            int checked = 0;
            for (int u = 0; u < m.rows() && checked < 100; u += 4, checked++) {
                // newest first, as the service sends it: the recency rank is the order of first occurrence
                Interactions.History h = train.history(u);
                int[] items = h.items();
                float[] counts = h.counts();
                model.score(items, counts, scores);
                int[] expected = TopK.select(scores, 10, null);
                SavedModelScorer.Ranked got = tf.score(repeat(items, counts), 10);
                assertThat(got.indices()).as("user %d (%s)", u, spec).containsExactly(expected);
                for (int i = 0; i < 10; i++) {
                    assertThat(got.scores()[i]).isCloseTo(scores[expected[i]],
                            org.assertj.core.api.Assertions.within(1e-5f * Math.max(1, Math.abs(scores[expected[i]]))));
                }
            }
            assertThat(checked).isEqualTo(100);
            // empty history: the popularity ranking
            model.score(new int[0], new float[0], scores);
            assertThat(tf.score(new int[0], 10).indices()).containsExactly(TopK.select(scores, 10, null));
            assertThat(tf.score(new int[] {3}, 100_000).indices()).hasSize(model.items());
        }
        assertThatThrownBy(() -> SavedModelExporter.export(model.export(), meta, dir))
                .isInstanceOf(IOException.class).hasMessageContaining("already exists");
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith(".")).toList()).isEmpty();
    }

    /** The history as the service sends it: distinct items newest first, each repeated as often as it was bought. */
    static int[] repeat(int[] items, float[] counts) {
        List<Integer> h = new ArrayList<>();
        for (int k = 0; k < items.length; k++) {
            for (int c = 0; c < (int) counts[k]; c++) {
                h.add(items[k]);
            }
        }
        return h.stream().mapToInt(Integer::intValue).toArray();
    }

    static {
        // fail fast with a clear message if the contract constants change
        assertThat(ModelArtifact.SIGNATURE).isEqualTo("serving_default");
    }
}
