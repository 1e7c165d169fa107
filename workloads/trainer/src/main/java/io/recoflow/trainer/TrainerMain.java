package io.recoflow.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recoflow.common.Json;
import io.recoflow.common.ModelMetadata;
import io.recoflow.common.Psi;
import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Interactions;
import io.recoflow.trainer.data.SparseMatrix;
import io.recoflow.trainer.data.Split;
import io.recoflow.trainer.eval.Evaluator;
import io.recoflow.trainer.eval.OfflineEvaluation;
import io.recoflow.trainer.eval.Protocol;
import io.recoflow.trainer.export.SavedModelExporter;
import io.recoflow.trainer.model.ModelSpec;
import io.recoflow.trainer.model.Recommender;
import io.recoflow.trainer.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command line of the trainer (also the entry point of the training Job image). Commands: {@code train},
 * {@code evaluate}, {@code tune}, {@code alias}, and {@code retrain} (the training Job's command, with its own contract
 * and exit codes: {@link Retrain}); see docs/trainer.md. Exit code 0 on success, 2 on a usage or input error (with a
 * one-line message), 1 on anything else.
 */
public final class TrainerMain {
    static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;

    TrainerMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] argv) {
        int rc = execute(System.out, argv);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /** Runs one command in this JVM (for embedding, e.g. the end-to-end tests); returns the exit code. */
    public static int execute(PrintStream out, String... argv) {
        return new TrainerMain(out).run(argv);
    }

    int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
            out.println(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        if (argv[0].equals("retrain")) {
            return new Retrain(out).run(argv);
        }
        try {
            switch (argv[0]) {
                case "train" -> train(argv);
                case "evaluate" -> evaluate(argv);
                case "tune" -> tune(argv);
                case "alias" -> alias(argv);
                default -> throw new IllegalArgumentException("unknown command '" + argv[0] + "'\n" + USAGE);
            }
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    static final String USAGE = """
            usage: trainer <command> [options]
              train    --data F --model SPEC --out DIR [--split SPEC] [--k 10] [--version N] [--name NAME]
                       [--exclude-history] [--registry local:DIR|mlflow:URL] [--alias challenger]
              evaluate --data F --models SPEC,SPEC,... [--split SPEC] [--k 10] [--out results.json]
                       [--md table.md]
              tune     --data F --model SPEC --grid key=v1,v2 [--grid ...] [--split SPEC] [--validation SPEC]
                       [--k 10] [--protocol all|new] [--out tune.json]
                       (validates inside the training part of --split, never on its test part)
              alias    --registry R --name NAME --alias ALIAS --version V
              retrain  --data F|file:URI --model SPEC --out DIR --version N --registry R --name NAME
                       --min-ndcg-gain X [--champion-alias champion] [--challenger-alias challenger]
                       [--split SPEC] [--result FILE (default /dev/termination-log when writable)]
                       (exit 0 = registered or gate failed, 1 = error, retry; 2 = usage)
            SPEC (model): popular | repeat | itemknn[:neighbours=100] | ease[:lambda=250]
                          | als[:factors=64:lambda=1:alpha=10:iterations=15:solver=cg|cholesky:cgSteps=3
                                :scaleLambda=false:seed=42:threads=N]
                          | hybrid[:base=ease|als|itemknn:beta=3:curve=linear|log|binary:norm=max|none
                                   :prior=rebuy|popularity|trend|rebuy_trend:gamma=1
                                   :recency=1:rho=0:delta=0:trend=recent|lift:days=14
                                   :<the base's own keys, e.g. lambda=250>]
            SPEC (split): temporal:TRAIN_END,TEST_START[,TEST_END] | random-per-user:FRACTION:SEED
              Online Retail defaults: evaluate/train/retrain temporal:2011-11-01,2011-11-01;
                                      tune temporal:2011-10-01,2011-10-01,2011-11-01 (October, inside the
                                      training part of the former)
            MAP@k divides by min(|R|, k); the tables also print MAP|R|, divided by |R|""";

    private void train(String[] argv) throws IOException {
        Args a = new Args(argv, 1, Set.of("data", "model", "out", "split", "k", "version", "name", "registry",
                "alias"), Set.of("exclude-history"));
        Dataset data = load(a.required("data"));
        ModelSpec spec = ModelSpec.parse(a.required("model"));
        Path outDir = localPath("--out", a.required("out"));
        long version = Long.parseLong(a.get("version", Long.toString(Instant.now().getEpochSecond())));
        Map<String, Double> metrics = new LinkedHashMap<>();
        String split = a.get("split", null);
        if (split != null) {
            OfflineEvaluation ev = new OfflineEvaluation(data, Split.parse(split), a.integer("k", 10));
            Evaluator.ModelResult r = ev.run(spec.toString(), spec.create());
            out.print(ev.table());
            metrics.putAll(metrics(ev, r));
        }
        // the artifact is trained on all the data; the metrics above come from the held-out split
        Interactions all = Interactions.of(data.interactions());
        Recommender model = spec.create();
        long t = System.nanoTime();
        model.fit(all);
        double seconds = (System.nanoTime() - t) / 1e9;
        metrics.put("train_seconds", seconds);
        Map<String, Object> params = new LinkedHashMap<>(model.params());
        ModelMetadata meta = new ModelMetadata(model.type(), version, params, data.sha256(), all.items(),
                a.flag("exclude-history"), metrics, Instant.now(), itemShares(all), trainedUntil(all));
        Path dir = SavedModelExporter.export(model.export(), meta, outDir);
        out.printf(Locale.ROOT, "trained %s on %,d users x %,d items in %.1f s; wrote %s%n", spec,
                all.users().size(), all.items().size(), seconds, dir);
        String registry = a.get("registry", null);
        if (registry != null) {
            String name = a.get("name", "recoflow-" + model.type());
            Map<String, String> p = new LinkedHashMap<>();
            params.forEach((k, v) -> p.put(k, String.valueOf(v)));
            p.put("dataset_sha256", data.sha256());
            ModelRegistry reg = ModelRegistry.open(registry);
            ModelRegistry.Version v = reg.register(name, dir.toAbsolutePath().toUri().toString(), p, metrics);
            out.printf("registered %s version %s%n", name, v.version());
            String alias = a.get("alias", null);
            if (alias != null) {
                reg.setAlias(name, alias, v.version());
                out.printf("alias %s -> %s%n", alias, v.version());
            }
        }
    }

    private void evaluate(String[] argv) throws IOException {
        Args a = new Args(argv, 1, Set.of("data", "models", "split", "k", "out", "md"), Set.of());
        Dataset data = load(a.required("data"));
        List<ModelSpec> specs = new ArrayList<>();
        for (String s : a.required("models").split(",")) {
            specs.add(ModelSpec.parse(s));
        }
        // the default only when no --split is given: generic data has none
        String split = a.get("split", null) != null ? a.get("split", null) : defaultSplit(data, false);
        OfflineEvaluation ev = new OfflineEvaluation(data, Split.parse(split), a.integer("k", 10));
        describe(ev);
        for (ModelSpec s : specs) {
            Evaluator.ModelResult r = ev.run(s.toString(), s.create());
            out.printf(Locale.ROOT, "  %s: trained in %.2f s%n", s, r.trainSeconds());
        }
        out.print(ev.table());
        String file = a.get("out", null);
        if (file != null) {
            write(Path.of(file), ev.report());
        }
        String md = a.get("md", null);
        if (md != null) {
            Path p = Path.of(md);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            Files.writeString(p, ev.markdown());
            out.println("wrote " + p);
        }
    }

    private void tune(String[] argv) throws IOException {
        Args a = new Args(argv, 1, Set.of("data", "model", "grid", "split", "validation", "k", "protocol", "out"),
                Set.of());
        Dataset data = load(a.required("data"));
        ModelSpec base = ModelSpec.parse(a.required("model"));
        Protocol protocol = switch (a.get("protocol", "all")) {
            case "all" -> Protocol.ALL_PURCHASES;
            case "new" -> Protocol.NEW_ITEMS;
            default -> throw new IllegalArgumentException("--protocol must be all or new");
        };
        List<ModelSpec> candidates = List.of(base);
        for (String g : a.all("grid")) {
            int eq = g.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--grid expects key=v1,v2,..., got " + g);
            }
            List<ModelSpec> next = new ArrayList<>();
            for (ModelSpec c : candidates) {
                for (String v : g.substring(eq + 1).split(",")) {
                    next.add(c.with(g.substring(0, eq), v));
                }
            }
            candidates = next;
        }
        // Settings are chosen inside the training part of the test split, never on its test rows, so that tune and
        // then evaluate on the same --split reports a test number the tuning did not see.
        String testSpec = a.get("split", null);
        String validationSpec = a.get("validation", null);
        Split test = Split.parse(testSpec != null ? testSpec : defaultSplit(data, false));
        Split validation;
        if (validationSpec != null) {
            validation = Split.parse(validationSpec);
        } else if (testSpec == null) {
            validation = Split.parse(defaultSplit(data, true));
        } else {
            validation = Split.validation(test, data.interactions());
        }
        Split split = new Split.Nested(test, validation);
        if (!split.temporal() && protocol == Protocol.ALL_PURCHASES) {
            protocol = Protocol.NEW_ITEMS;
        }
        OfflineEvaluation ev = new OfflineEvaluation(data, split, a.integer("k", 10));
        int held = test.apply(data.interactions()).test().size();
        out.printf(Locale.ROOT, "tuning on %s inside the training part of %s: its %,d test events are never used "
                + "here (evaluate --split %s gives the test numbers)%n", validation.spec(), test.spec(), held,
                test.spec());
        describe(ev);
        ModelSpec best = null;
        double bestNdcg = -1;
        for (ModelSpec c : candidates) {
            Evaluator.ModelResult r = ev.run(c.toString(), c.create());
            double ndcg = r.variant(protocol).ndcg();
            out.printf(Locale.ROOT, "  %-50s ndcg@%d (%s) %.4f  (%.1f s)%n", c, ev.k(), protocol.label(), ndcg,
                    r.trainSeconds());
            if (ndcg > bestNdcg) {
                bestNdcg = ndcg;
                best = c;
            }
        }
        out.print(ev.table());
        out.printf(Locale.ROOT, "best: %s%n", best);
        String file = a.get("out", null);
        if (file != null) {
            Map<String, Object> report = ev.report();
            report.put("selectedBy", "ndcg@" + ev.k() + " (" + protocol.label() + ")");
            report.put("testSplit", test.spec());
            report.put("validationSplit", validation.spec());
            report.put("best", String.valueOf(best));
            write(Path.of(file), report);
        }
    }

    private void alias(String[] argv) throws IOException {
        Args a = new Args(argv, 1, Set.of("registry", "name", "alias", "version"), Set.of());
        ModelRegistry reg = ModelRegistry.open(a.required("registry"));
        reg.setAlias(a.required("name"), a.required("alias"), a.required("version"));
        out.printf("alias %s of %s -> %s%n", a.required("alias"), a.required("name"), a.required("version"));
    }

    private Dataset load(String file) throws IOException {
        Path p = dataPath(file);
        if (!Files.isRegularFile(p)) {
            throw new IOException("no such file: " + file);
        }
        Dataset d = Dataset.load(p);
        out.printf("loaded %s: %s%n", p.getFileName(), d.report());
        if (d.interactions().isEmpty()) {
            throw new IllegalArgumentException(file + ": no usable rows");
        }
        return d;
    }

    private void describe(OfflineEvaluation ev) {
        out.printf(Locale.ROOT, "train: %,d users x %,d items, %,d pairs; evaluated users:", ev.train().users().size(),
                ev.train().items().size(), ev.train().matrix().nnz());
        ev.sets().forEach(s -> out.printf(Locale.ROOT, " %s %,d", s.protocol().label(), s.users().size()));
        out.println();
    }

    /** A path, or a file: URI (the training Job's {@code --data}); other schemes are a usage error. */
    static Path dataPath(String data) {
        return localPath("--data", data);
    }

    /**
     * A path or {@code file:} URI (what the operator renders from a TrainingSchedule); object-store URIs are refused
     * with a usage error: this trainer reads and writes a filesystem (mount the lake or model store as a volume;
     * the Spark engine reads s3a:// and abfss:// itself).
     */
    static Path localPath(String flag, String value) {
        if (value.startsWith("file:")) {
            return Path.of(java.net.URI.create(value));
        }
        if (value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(flag + ": only paths and file: URIs, got " + value
                    + " (mount the store as a volume, or use the Spark engine)");
        }
        return Path.of(value);
    }

    /** Held-out metrics as metadata and the registry record them ({@link Evaluator.ModelResult#metrics}). */
    static Map<String, Double> metrics(OfflineEvaluation ev, Evaluator.ModelResult r) {
        return r.metrics(ev.k());
    }

    /** {@link ModelMetadata#itemShares()} of the rows a model is fitted on: summed weight per item. */
    static Map<String, Double> itemShares(Interactions fitted) {
        SparseMatrix m = fitted.matrix();
        double[] w = new double[m.cols()];
        for (int k = 0; k < m.nnz(); k++) {
            w[m.col(k)] += m.value(k);
        }
        Map<String, Double> weights = new HashMap<>(w.length * 2);
        for (int i = 0; i < w.length; i++) {
            weights.put(fitted.items().get(i), w[i]);
        }
        return Psi.shares(weights, ModelMetadata.SHARED_ITEMS);
    }

    /** {@link ModelMetadata#trainedUntil()}: the newest of the rows a model is fitted on. */
    static Instant trainedUntil(Interactions fitted) {
        return Instant.ofEpochSecond(Arrays.stream(fitted.lastTime()).max().orElse(0));
    }

    static String defaultSplit(Dataset d, boolean validation) {
        if (d.format() != Dataset.Format.ONLINE_RETAIL) {
            throw new IllegalArgumentException("--split is required for this data set");
        }
        return validation ? OfflineEvaluation.RETAIL_VALIDATION : OfflineEvaluation.RETAIL_TEST;
    }

    private void write(Path file, Object report) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        JSON.writeValue(file.toFile(), report);
        out.println("wrote " + file);
    }
}
