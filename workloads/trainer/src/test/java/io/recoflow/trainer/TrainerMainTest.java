package io.recoflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.common.ModelMetadata;
import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Interaction;
import io.recoflow.trainer.registry.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerMainTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    int run(String... args) {
        return new TrainerMain(new PrintStream(buf, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void evaluateWritesEveryMetricForEveryModelAndProtocol() throws IOException {
        Path json = dir.resolve("results.json");
        int rc = run("evaluate", "--data", TestData.sample().toString(), "--models", "popular,repeat,ease:lambda=100",
                "--k", "10", "--out", json.toString(), "--md", dir.resolve("table.md").toString());
        assertThat(rc).as(buf.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.path("split").asText()).isEqualTo("temporal:2011-11-01,2011-11-01");
        assertThat(r.path("dataset").path("dropped").path("cancellation").asLong()).isEqualTo(752);
        assertThat(r.path("results")).hasSize(3);
        boolean lower = false;
        for (JsonNode m : r.path("results")) {
            assertThat(m.path("trainSeconds").isNumber()).isTrue();
            assertThat(m.path("scoringP95Us").asDouble()).isGreaterThanOrEqualTo(m.path("scoringP50Us").asDouble());
            assertThat(m.path("peakHeapMb").asDouble()).isPositive();
            assertThat(m.path("variants")).hasSize(2);
            for (JsonNode v : m.path("variants")) {
                for (String f : new String[] {"recall", "ndcg", "precision", "map", "mapAllRelevant", "hr", "mrr",
                        "coverage"}) {
                    assertThat(v.path(f).isNumber()).as(f).isTrue();
                    assertThat(v.path(f).asDouble()).as(f).isBetween(0.0, 1.0);
                }
                // dividing by |R| instead of min(|R|, k) can only lower it
                assertThat(v.path("mapAllRelevant").asDouble()).isLessThanOrEqualTo(v.path("map").asDouble());
                lower |= v.path("mapAllRelevant").asDouble() < v.path("map").asDouble();
                assertThat(v.path("users").asInt()).isPositive();
            }
        }
        assertThat(lower).as("some user has more than k relevant items and a hit").isTrue();
        // ease against each baseline, on both protocols: the paired difference is the difference of the means
        assertThat(r.path("comparisons")).hasSize(4);
        for (JsonNode c : r.path("comparisons")) {
            assertThat(c.path("model").asText()).isEqualTo("ease:lambda=100");
            assertThat(c.path("baseline").asText()).isIn("repeat", "popular");
            assertThat(c.path("diff").asDouble()).isCloseTo(c.path("ndcg").asDouble()
                    - c.path("baselineNdcg").asDouble(), within(1e-9));
            assertThat(c.path("lo").asDouble()).isLessThanOrEqualTo(c.path("diff").asDouble());
            assertThat(c.path("hi").asDouble()).isGreaterThanOrEqualTo(c.path("diff").asDouble());
            assertThat(c.path("hi").asDouble()).isGreaterThan(c.path("lo").asDouble());
        }
        assertThat(r.path("results").get(0).path("variants").get(0).has("userNdcg")).isFalse();
        assertThat(buf.toString()).contains("all purchases", "new items only", "NDCG", "paired NDCG@10 difference",
                " MAP|R| ", "MAP@10 divides the summed precision at the hits by min(|R|, 10)", "MAP|R| divides by |R|");
        assertThat(r.path("mapDefinition").asText()).contains("min(|R|, 10)", "mapAllRelevant");
        String md = Files.readString(dir.resolve("table.md"));
        assertThat(md).contains("| MAP@10 ÷min(R,10) | MAP@10 ÷R |", "MAP|R| divides by |R|");
        assertThat(md).contains("**all purchases**", "**new items only**", "| `ease:lambda=100` | `repeat` | all purchases |",
                "| `ease:lambda=100` | `popular` | new items only |");
    }

    @Test
    void trainExportsAndRegisters() throws IOException {
        Path models = dir.resolve("models");
        Path reg = dir.resolve("registry");
        int rc = run("train", "--data", TestData.sample().toString(), "--model", "itemknn:neighbours=20",
                "--split", "random-per-user:0.2:1", "--out", models.toString(), "--version", "42",
                "--registry", "local:" + reg, "--name", "shop", "--alias", "challenger");
        assertThat(rc).as(buf.toString()).isZero();
        ModelMetadata meta = ModelMetadata.read(models.resolve("42"));
        assertThat(meta.modelType()).isEqualTo("itemknn");
        assertThat(meta.items()).hasSize(2_964);
        assertThat(meta.metrics()).containsKeys("ndcg@10_new", "recall@10_new", "train_seconds");
        // fitted on every row: the drift reference covers them all, and so does the training end
        assertThat(meta.itemShares()).hasSize(ModelMetadata.SHARED_ITEMS + 1);
        assertThat(meta.trainedUntil()).isAfter(java.time.Instant.parse("2011-12-01T00:00:00Z"));
        assertThat(Files.exists(models.resolve("42/saved_model.pb"))).isTrue();
        var v = new LocalRegistry(reg).byAlias("shop", "challenger").orElseThrow();
        assertThat(v.version()).isEqualTo("1");
        assertThat(v.source()).endsWith("/42/");
        assertThat(v.metrics()).containsKey("ndcg@10_new");
    }

    /** The Online Retail sample as a generic {@code user,item,timestamp} CSV. */
    Path genericCsv() throws IOException {
        StringBuilder sb = new StringBuilder("user,item,timestamp\n");
        for (Interaction e : Dataset.load(TestData.sample()).interactions()) {
            sb.append(e.user()).append(',').append(e.item()).append(',').append(e.time()).append('\n');
        }
        Path csv = dir.resolve("events.csv");
        Files.writeString(csv, sb);
        return csv;
    }

    @Test
    void evaluateAndTuneOnAGenericCsvTakeTheGivenSplit() throws IOException {
        Path csv = genericCsv();
        String split = "random-per-user:0.25:42";
        Path results = dir.resolve("results.json");
        int rc = run("evaluate", "--data", csv.toString(), "--models", "popular,itemknn:neighbours=20", "--split",
                split, "--out", results.toString());
        assertThat(rc).as(buf.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(results.toFile());
        assertThat(r.path("split").asText()).isEqualTo(split);
        assertThat(r.path("results")).hasSize(2);

        buf.reset();
        Path tuned = dir.resolve("tune.json");
        rc = run("tune", "--data", csv.toString(), "--model", "itemknn", "--grid", "neighbours=10,50", "--split", split,
                "--out", tuned.toString());
        assertThat(rc).as(buf.toString()).isZero();
        // tuning validates inside the training part of the test split, and says so
        assertThat(buf.toString()).contains("tuning on " + split + " inside the training part of " + split,
                "test events are never used here", "best: itemknn:neighbours=");
        JsonNode t = new ObjectMapper().readTree(tuned.toFile());
        assertThat(t.path("testSplit").asText()).isEqualTo(split);
        assertThat(t.path("validationSplit").asText()).isEqualTo(split);
        assertThat(t.path("split").asText()).isEqualTo(split + " within the training part of " + split);
        // fewer training pairs than evaluate's: the test part is gone, then the validation part
        assertThat(t.path("trainPairs").asInt()).isLessThan(r.path("trainPairs").asInt());

        // without a split, generic data still has no default
        buf.reset();
        assertThat(run("tune", "--data", csv.toString(), "--model", "ease", "--grid", "lambda=100")).isEqualTo(2);
        assertThat(run("evaluate", "--data", csv.toString(), "--models", "popular")).isEqualTo(2);
    }

    @Test
    void badInputIsAClearErrorNotACrash() {
        assertThat(run("evaluate", "--data", dir.resolve("missing.csv").toString(), "--models", "ease")).isEqualTo(2);
        assertThat(run("train", "--data", TestData.sample().toString(), "--model", "ease:lamda=3", "--out", "x"))
                .isEqualTo(2);
        assertThat(run("evaluate", "--data", TestData.sample().toString(), "--models", "popular", "--split",
                "temporal:2011-12-01,2011-11-01")).isEqualTo(2);
        assertThat(run("frobnicate")).isEqualTo(2);
    }
}
