package io.recoflow.benchmarks.sparkals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Split;
import io.recoflow.trainer.eval.Evaluator;
import io.recoflow.trainer.eval.OfflineEvaluation;
import io.recoflow.trainer.eval.Protocol;
import io.recoflow.trainer.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The offline benchmark: the trainer's models and Spark MLlib ALS trained on the same split in the same JVM, scored
 * by the same evaluation code. Writes {@code results.json} and {@code table.md} to {@code --out}.
 *
 * <pre>
 * --data F --out DIR [--split SPEC] [--k 10] [--models SPEC,SPEC,...] [--als SPEC] [--master local[2]] [--skip-spark]
 * </pre>
 * {@code --als} is the ALS configuration given to both implementations (its {@code scaleLambda} is forced to true,
 * Spark's regularisation convention); {@code --models} are extra trainer models (baselines, EASE, ...).
 */
public final class SparkAlsBenchmark {
    private SparkAlsBenchmark() {}

    public static void main(String[] argv) throws IOException {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--skip-spark")) {
                a.put("skip-spark", "true");
            } else if (argv[i].startsWith("--") && i + 1 < argv.length) {
                a.put(argv[i].substring(2), argv[++i]);
            } else {
                throw new IllegalArgumentException("bad argument " + argv[i]);
            }
        }
        Path data = Path.of(req(a, "data"));
        Path out = Path.of(req(a, "out"));
        Files.createDirectories(out);
        int k = Integer.parseInt(a.getOrDefault("k", "10"));
        ModelSpec als = ModelSpec.parse(a.getOrDefault("als", "als:factors=64:lambda=0.05:alpha=10:iterations=15"))
                .with("scaleLambda", "true");
        List<ModelSpec> models = new ArrayList<>();
        for (String s : a.getOrDefault("models", "popular,repeat,itemknn,ease").split(",")) {
            if (!s.isBlank()) {
                models.add(ModelSpec.parse(s));
            }
        }
        models.add(als);

        Dataset d = Dataset.load(data);
        System.out.println("loaded " + data.getFileName() + ": " + d.report());
        OfflineEvaluation ev = new OfflineEvaluation(d, Split.parse(a.getOrDefault("split",
                OfflineEvaluation.RETAIL_TEST)), k);
        System.out.printf(Locale.ROOT, "train %,d users x %,d items (%,d pairs)%n", ev.train().users().size(),
                ev.train().items().size(), ev.train().matrix().nnz());
        for (ModelSpec s : models) {
            Evaluator.ModelResult r = ev.run(s.toString(), s.create());
            System.out.printf(Locale.ROOT, "  %-50s train %7.2f s  ndcg@%d %.4f%n", s, r.trainSeconds(), k,
                    r.variant(Protocol.ALL_PURCHASES).ndcg());
        }
        double sparkStartup = 0;
        if (!a.containsKey("skip-spark")) {
            long t = System.nanoTime();
            SparkSession spark = SparkSession.builder()
                    .master(a.getOrDefault("master", "local[2]"))
                    .appName("recoflow-spark-als-benchmark")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            // ALS's lineage grows with every iteration; without a checkpoint dir its checkpointInterval is ignored
            // and 15 iterations end in a StackOverflowError
            spark.sparkContext().setCheckpointDir(Files.createTempDirectory("spark-als-checkpoints").toString());
            sparkStartup = (System.nanoTime() - t) / 1e9;
            try {
                SparkAlsRecommender sparkAls = new SparkAlsRecommender(spark, als.integer("factors", 64),
                        als.number("lambda", 0.05), als.number("alpha", 10), als.integer("iterations", 15),
                        (long) als.number("seed", 42));
                String label = "spark-als:alpha=" + als.text("alpha", "10") + ":factors=" + als.text("factors", "64")
                        + ":iterations=" + als.text("iterations", "15") + ":lambda=" + als.text("lambda", "0.05");
                Evaluator.ModelResult r = ev.run(label, sparkAls);
                System.out.printf(Locale.ROOT, "  %-50s train %7.2f s  ndcg@%d %.4f (session start %.1f s)%n", label,
                        r.trainSeconds(), k, r.variant(Protocol.ALL_PURCHASES).ndcg(), sparkStartup);
            } finally {
                spark.stop();
            }
        }
        Map<String, Object> report = ev.report();
        report.put("sparkSessionStartSeconds", sparkStartup);
        new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("results.json").toFile(), report);
        Files.writeString(out.resolve("table.md"), ev.markdown());
        System.out.print(ev.table());
        System.out.println("wrote " + out.resolve("results.json") + " and table.md");
    }

    private static String req(Map<String, String> a, String k) {
        String v = a.get(k);
        if (v == null) {
            throw new IllegalArgumentException("--" + k + " is required");
        }
        return v;
    }
}
