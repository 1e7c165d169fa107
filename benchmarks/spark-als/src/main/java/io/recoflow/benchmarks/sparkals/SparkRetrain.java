package io.recoflow.benchmarks.sparkals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.common.Json;
import io.recoflow.common.ModelMetadata;
import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.Split;
import io.recoflow.trainer.eval.Evaluator;
import io.recoflow.trainer.eval.OfflineEvaluation;
import io.recoflow.trainer.eval.Paired;
import io.recoflow.trainer.eval.Protocol;
import io.recoflow.trainer.export.SavedModelExporter;
import io.recoflow.trainer.export.SavedModelScorer;
import io.recoflow.trainer.model.ModelSpec;
import io.recoflow.trainer.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code trainer.engine: spark}: the trainer's {@code retrain} contract with Spark MLlib ALS doing the training
 * (the main class of the operator's SparkApplication, see SparkRenderer).
 *
 * <pre>
 * --data D --model als[:factors=64:lambda=0.05:alpha=10:iterations=15:seed=42] --out BASE --version N
 * --registry local:DIR|mlflow:URL --name NAME [--champion-alias champion] [--challenger-alias challenger]
 * [--min-ndcg-gain 0] [--result FILE] [--split SPEC] [--k 10] [--exclude-history] [--master local[2]]
 * [--checkpoint DIR]
 * </pre>
 *
 * The challenger is trained on the split's training part and scored with the trainer's evaluator next to the
 * champion's served artifact (the SavedModel the champion alias points at, whatever engine or model type wrote it);
 * it passes when its NDCG@k gain is at least {@code --min-ndcg-gain} and the paired bootstrap interval lies above 0.
 * Only then is the model trained on all the data, exported with the trainer's SavedModel exporter to
 * {@code BASE/N}, registered and given the challenger alias. Without a champion there is no gate. {@code lambda} is
 * Spark's regParam (scaled by the row's item count, Spark's convention, which the exported graph reproduces).
 *
 * <p>Exit 0 with result {@code registered} or {@code gateFailed}; 2 on a usage or input error, 1 on anything else,
 * both with result {@code failed}. The result JSON goes to {@code --result} (the driver's termination message).
 */
public final class SparkRetrain {
    static final ObjectMapper JSON = Json.mapper();
    private static final Set<String> OPTIONS = Set.of("data", "model", "out", "version", "registry", "name",
            "champion-alias", "challenger-alias", "min-ndcg-gain", "result", "split", "k", "master", "checkpoint");
    private static final Set<String> FLAGS = Set.of("exclude-history");

    private SparkRetrain() {}

    public static void main(String[] argv) {
        Map<String, String> a;
        try {
            a = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            // still answer through the result file when it was named
            a = new LinkedHashMap<>();
            for (int i = 0; i + 1 < argv.length; i++) {
                if (argv[i].equals("--result")) {
                    a.put("result", argv[i + 1]);
                }
            }
            write(a, failed(a, e));
            System.exit(2);
            return;
        }
        Map<String, Object> result;
        int rc;
        try {
            result = run(a);
            rc = 0;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("error: " + e.getMessage());
            result = failed(a, e);
            rc = 2;
        } catch (RuntimeException e) {
            e.printStackTrace();
            result = failed(a, e);
            rc = 1;
        }
        if (!write(a, result)) {
            rc = 1;
        }
        if (rc != 0) {
            System.exit(rc);
        }
    }

    private static boolean write(Map<String, String> a, Map<String, Object> result) {
        try {
            String json = JSON.writeValueAsString(result);
            System.out.println("result: " + json);
            if (a.containsKey("result")) {
                Path p = Path.of(a.get("result"));
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                Files.writeString(p, json);
            }
            return true;
        } catch (IOException e) {
            System.err.println("cannot write the result: " + e);
            return false;
        }
    }

    static Map<String, Object> run(Map<String, String> a) throws IOException {
        ModelSpec als = ModelSpec.parse(req(a, "model"));
        if (!als.type().equals("als")) {
            throw new IllegalArgumentException("engine spark trains als only, got model " + als);
        }
        long version = Long.parseLong(req(a, "version"));
        String name = req(a, "name");
        String out = req(a, "out");
        String championAlias = a.getOrDefault("champion-alias", ModelRegistry.CHAMPION);
        String challengerAlias = a.getOrDefault("challenger-alias", ModelRegistry.CHALLENGER);
        double minGain = Double.parseDouble(a.getOrDefault("min-ndcg-gain", "0"));
        int k = Integer.parseInt(a.getOrDefault("k", "10"));
        ModelRegistry registry = ModelRegistry.open(req(a, "registry"));

        SparkSession.Builder b = SparkSession.builder().appName("recoflow-retrain");
        if (a.containsKey("master")) {
            // a local run: no UI port to take on a shared machine
            b.master(a.get("master")).config("spark.ui.enabled", "false");
        }
        SparkSession spark = b.getOrCreate();
        Stage stage = new Stage(spark.sparkContext().hadoopConfiguration());
        try {
            spark.sparkContext().setLogLevel("WARN");
            // ALS's lineage grows with every iteration; without a checkpoint dir its checkpointInterval is ignored
            // and 15 iterations end in a StackOverflowError. On a cluster it must be a file system every executor
            // sees, hence next to the output by default.
            String checkpoint = a.getOrDefault("checkpoint", Stage.isLocal(out)
                    ? Files.createTempDirectory("spark-als-checkpoints").toString()
                    : out.replaceAll("/+$", "") + "/.checkpoints-" + version);
            spark.sparkContext().setCheckpointDir(checkpoint);
            try {
                return retrain(a, spark, stage, als, version, name, out, registry, championAlias, challengerAlias,
                        minGain, k);
            } finally {
                stage.delete(checkpoint);
            }
        } finally {
            spark.stop();
            stage.close();
        }
    }

    private static Map<String, Object> retrain(Map<String, String> a, SparkSession spark, Stage stage, ModelSpec als,
            long version, String name, String out, ModelRegistry registry, String championAlias,
            String challengerAlias, double minGain, int k) throws IOException {
        Path file = stage.fetch(req(a, "data"));
        Dataset data = Dataset.load(file);
        System.out.println("loaded " + file.getFileName() + ": " + data.report());
        if (data.interactions().isEmpty()) {
            throw new IllegalArgumentException(a.get("data") + ": no usable rows");
        }
        String split = a.get("split");
        if (split == null) {
            if (data.format() != Dataset.Format.ONLINE_RETAIL) {
                throw new IllegalArgumentException("--split is required for this data set");
            }
            split = OfflineEvaluation.RETAIL_TEST;
        }
        OfflineEvaluation ev = new OfflineEvaluation(data, Split.parse(split), k);
        // all purchases for a temporal split, new items for a random one
        Protocol gate = ev.sets().get(0).protocol();
        Evaluator.ModelResult challenger = ev.run(als.toString(), sparkAls(spark, als));
        Map<String, Double> challengerMetrics = challenger.metrics(k);
        System.out.printf(Locale.ROOT, "challenger %s: ndcg@%d %.4f (%s), Spark ALS fit %.1f s%n", als, k,
                challenger.variant(gate).ndcg(), gate.label(), challenger.trainSeconds());

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("version", version);
        r.put("challenger", challengerMetrics);
        var champion = registry.byAlias(name, championAlias);
        String why;
        if (champion.isPresent()) {
            ModelRegistry.Version c = champion.get();
            Evaluator.ModelResult cr;
            try (SavedModelScorer scorer = SavedModelScorer.load(stage.fetch(c.source()))) {
                cr = ev.run(championAlias + " v" + c.version(), new Served(scorer, ev.train(), c.version()));
            }
            r.put("champion", cr.metrics(k));
            Paired.Diff d = Paired.bootstrap(challenger.variant(gate).userNdcg(), cr.variant(gate).userNdcg(),
                    Paired.RESAMPLES, Paired.SEED);
            r.put("gain", d.mean());
            r.put("interval", List.of(d.lo(), d.hi()));
            String cmp = String.format(Locale.ROOT, "ndcg@%d (%s) %.4f vs %s v%s %.4f: gain %+.4f, 95%% CI [%+.4f, "
                    + "%+.4f], required >= %s with the interval above 0", k, gate.label(),
                    challenger.variant(gate).ndcg(), championAlias, c.version(), cr.variant(gate).ndcg(), d.mean(),
                    d.lo(), d.hi(), minGain);
            System.out.println(cmp);
            if (d.mean() < minGain || !d.above()) {
                r.put("result", "gateFailed");
                r.put("message", cmp);
                return order(r);
            }
            why = cmp;
        } else {
            why = "no " + championAlias + " alias on " + name + ": registered without a gate";
        }

        // the artifact is trained on all the data; the metrics above come from the held-out split
        Interactions all = Interactions.of(data.interactions());
        SparkAlsRecommender model = sparkAls(spark, als);
        long t = System.nanoTime();
        model.fit(all);
        Map<String, Double> metrics = new LinkedHashMap<>(challengerMetrics);
        metrics.put("train_seconds", (System.nanoTime() - t) / 1e9);
        Map<String, Object> params = new LinkedHashMap<>(model.params());
        params.put("engine", "spark");
        // modelType als: the graph is the trainer's ALS fold-in, whichever engine found the item factors
        ModelMetadata meta = new ModelMetadata("als", version, params, data.sha256(), all.items(),
                a.containsKey("exclude-history"), metrics, Instant.now());
        String source = stage.export(model.export(), meta, out);
        System.out.printf(Locale.ROOT, "trained on %,d users x %,d items in %.1f s; wrote %s%n", all.users().size(),
                all.items().size(), metrics.get("train_seconds"), source);

        Map<String, String> p = new LinkedHashMap<>();
        params.forEach((key, v) -> p.put(key, String.valueOf(v)));
        p.put("spec", als.toString());
        p.put("dataset_sha256", data.sha256());
        ModelRegistry.Version v = registry.register(name, source, p, metrics);
        registry.setAlias(name, challengerAlias, v.version());
        System.out.printf("registered %s version %s, alias %s%n", name, v.version(), challengerAlias);
        r.put("result", "registered");
        r.put("registryVersion", v.version());
        r.put("message", why);
        return order(r);
    }

    static SparkAlsRecommender sparkAls(SparkSession spark, ModelSpec als) {
        return new SparkAlsRecommender(spark, als.integer("factors", 64), als.number("lambda", 0.05),
                als.number("alpha", 10), als.integer("iterations", 15), (long) als.number("seed", 42));
    }

    private static Map<String, Object> failed(Map<String, String> a, Exception e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("result", "failed");
        if (a.containsKey("version")) {
            try {
                r.put("version", Long.parseLong(a.get("version")));
            } catch (NumberFormatException ignored) {
                // the message says what was wrong
            }
        }
        String m = String.valueOf(e.getMessage());
        // the termination message keeps at most 4096 bytes
        r.put("message", e.getClass().getSimpleName() + ": " + (m.length() > 2000 ? m.substring(0, 2000) : m));
        return r;
    }

    /** The contract's key order, for a reader of the termination message. */
    private static Map<String, Object> order(Map<String, Object> r) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (String key : List.of("result", "version", "registryVersion", "challenger", "champion", "gain",
                "interval", "message")) {
            if (r.containsKey(key)) {
                o.put(key, r.get(key));
            }
        }
        return o;
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String n = argv[i].startsWith("--") ? argv[i].substring(2) : null;
            if (n != null && FLAGS.contains(n)) {
                a.put(n, "true");
            } else if (n != null && OPTIONS.contains(n) && i + 1 < argv.length) {
                a.put(n, argv[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + argv[i] + "'");
            }
        }
        return a;
    }

    private static String req(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
