package io.recoflow.trainer;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.recoflow.trainer.export.ArtifactRecommender;
import io.recoflow.trainer.export.SavedModelExporter;
import io.recoflow.trainer.model.ModelSpec;
import io.recoflow.trainer.model.Recommender;
import io.recoflow.trainer.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code retrain}: what the operator's training Job runs, once per training run. The contract the operator relies on:
 *
 * <pre>
 * TrainerMain retrain --data PATH|file:URI --model SPEC --out BASE_DIR --version N
 *     --registry local:DIR|mlflow:URL --name NAME --champion-alias champion --challenger-alias challenger
 *     --min-ndcg-gain X [--split SPEC] [--result FILE]
 * </pre>
 * <ol>
 *   <li>Fits SPEC on the training part of {@code --split} (default: the Online Retail test split; other data must
 *       give one) and scores it on the held-out part: NDCG@10 and recall@20, under "all purchases" for a temporal
 *       split and "new items only" for a random one.</li>
 *   <li>The champion is the version NAME's {@code --champion-alias} points at, scored from its exported SavedModel
 *       ({@link ArtifactRecommender}) on the same users. No alias: no champion, and the gate passes on the
 *       challenger's offline metrics alone (the result says so).</li>
 *   <li>Gate: gain = mean per-user NDCG@10 difference, challenger − champion (absolute, e.g. 0.005), must be
 *       {@code >= X}, and its 95 % paired bootstrap interval ({@link OfflineEvaluation#compare}: the {@code evaluate}
 *       comparison, {@link Paired}) must lie above 0.</li>
 *   <li>Passed: exports the evaluated model to {@code BASE_DIR/N} (SavedModel + metadata.json), registers it and moves
 *       {@code --challenger-alias} to it. Failed: writes and registers nothing.</li>
 *   <li>Writes the result as one JSON line of under {@value #MAX_RESULT_BYTES} bytes to {@code --result}, by default
 *       {@value #TERMINATION_LOG} when it is writable (Kubernetes copies that file into the pod's
 *       {@code status.containerStatuses[].state.terminated.message}), and always as the last line of stdout:
 *       {@code {"result":"registered"|"gateFailed"|"failed","version":N,"registryVersion":"3"|null,
 *       "challenger":{"ndcg@10":..,"recall@20":..},"champion":{..}|null,"gain":..|null,"interval":[lo,hi]|null,
 *       "message":".."}}.</li>
 *   <li>Exit 0 = ran to the end (registered or gateFailed: a failed gate is an answer, so the Job must not retry);
 *       1 = error (unreadable data or champion artifact, registry unreachable: the Job's backoff retries; result
 *       "failed" written when possible); 2 = usage error (arguments, a split the data does not fit, a version
 *       directory holding another model).</li>
 * </ol>
 *
 * <p>The registered version is the model the gate measured, fitted on the training part only, not refitted on all
 * rows as {@code train} does: a model refitted on everything would already have seen the window the next run holds
 * out, and a champion that saw its test purchases wins the comparison by memory, so no fresher challenger could pass.
 * Hold out a short recent window to keep what the served model misses small. A champion that did see part of the
 * window ({@link ModelMetadata#trainedUntil()} inside it) is still compared (that only biases against the
 * challenger), and the message says so.
 *
 * <p>A retry reuses {@code BASE_DIR/N} when an earlier attempt exported the same model there (same data, type,
 * parameters and items); a retry after a failure between registering and moving the alias registers a second version.
 */
final class Retrain {
    static final String TERMINATION_LOG = "/dev/termination-log";
    /** Kubernetes keeps at most this many bytes of a termination message. */
    static final int MAX_RESULT_BYTES = 4096;
    static final int K = 10;
    static final int RECALL_AT = 20;

    static final String REGISTERED = "registered";
    static final String GATE_FAILED = "gateFailed";
    static final String FAILED = "failed";

    private static final ObjectMapper JSON = Json.mapper();
    private static final Set<String> OPTIONS = Set.of("data", "model", "out", "version", "registry", "name",
            "champion-alias", "challenger-alias", "min-ndcg-gain", "split", "result");

    /** The result document (field order is the contract's). */
    @JsonPropertyOrder({"result", "version", "registryVersion", "challenger", "champion", "gain", "interval",
            "message"})
    record Result(String result, Long version, String registryVersion, Map<String, Double> challenger,
            Map<String, Double> champion, Double gain, List<Double> interval, String message) {}

    /** The parsed arguments. */
    record Request(Path data, ModelSpec spec, Path out, long version, ModelRegistry registry, String name,
            String championAlias, String challengerAlias, double minGain, String split) {

        static Request of(Args a) {
            long version = positive(a.required("version"));
            double minGain;
            try {
                minGain = Double.parseDouble(a.required("min-ndcg-gain"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--min-ndcg-gain must be a number, got "
                        + a.get("min-ndcg-gain", ""));
            }
            if (!Double.isFinite(minGain)) {
                throw new IllegalArgumentException("--min-ndcg-gain must be finite");
            }
            String split = a.get("split", null);
            if (split != null) {
                Split.parse(split);
            }
            return new Request(TrainerMain.dataPath(a.required("data")), ModelSpec.parse(a.required("model")),
                    TrainerMain.localPath("--out", a.required("out")), version, ModelRegistry.open(a.required("registry")),
                    a.required("name"), a.get("champion-alias", ModelRegistry.CHAMPION),
                    a.get("challenger-alias", ModelRegistry.CHALLENGER), minGain, split);
        }

        private static long positive(String v) {
            try {
                long n = Long.parseLong(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("--version must be a positive integer (TF Serving layout), got " + v);
        }
    }

    private final PrintStream out;
    // what is known so far, so that a failure late in the run still reports it
    private Long version;
    private Map<String, Double> challenger;
    private Map<String, Double> champion;

    Retrain(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) {
        Path resultFile = null;
        Request q;
        try {
            Args a = new Args(argv, 1, OPTIONS, Set.of());
            resultFile = resultFile(a.get("result", null));
            q = Request.of(a);
            version = q.version();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return finish(failed("usage: " + e.getMessage()), resultFile, 2);
        }
        try {
            return finish(retrain(q), resultFile, 0);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return finish(failed("usage: " + e.getMessage()), resultFile, 2);
        } catch (Exception e) {
            System.err.println("failed: " + e);
            e.printStackTrace();
            return finish(failed(e.toString()), resultFile, 1);
        }
    }

    private Result retrain(Request q) throws IOException {
        // the registry first: when it is down, fail before the (possibly long) fit
        Optional<ModelRegistry.Version> champ = q.registry().byAlias(q.name(), q.championAlias());
        Path championDir = champ.isPresent() ? artifact(champ.get().source()) : null;

        Dataset data = load(q.data());
        String splitSpec = q.split() != null ? q.split() : TrainerMain.defaultSplit(data, false);
        OfflineEvaluation ev = new OfflineEvaluation(data, Split.parse(splitSpec), K);
        Protocol p = ev.headline();
        out.printf(Locale.ROOT, "split %s: train %,d users x %,d items; held out from %s; %,d users (%s)%n",
                splitSpec, ev.train().users().size(), ev.train().items().size(), Instant.ofEpochSecond(ev.testFrom()),
                ev.set(p).users().size(), p.label());

        Recommender model = q.spec().create();
        Evaluator.ModelResult mine = ev.run(q.spec().toString(), model);
        challenger = gateMetrics(ev, model, mine, p);
        out.printf(Locale.ROOT, "challenger %s: %s (fit %.1f s)%n", q.spec(), challenger, mine.trainSeconds());

        String verdict;
        boolean passed;
        Double gain = null;
        List<Double> interval = null;
        if (champ.isEmpty()) {
            passed = true;
            verdict = String.format(Locale.ROOT, "no champion: alias '%s' of '%s' is not set, so the gate passes on "
                    + "the challenger's offline metrics alone (ndcg@%d %.4f, %s)", q.championAlias(), q.name(), K,
                    challenger.get("ndcg@" + K), p.label());
        } else {
            ModelRegistry.Version cv = champ.get();
            OfflineEvaluation.Comparison c;
            String type;
            String seen;
            try (ArtifactRecommender theirs = ArtifactRecommender.load(championDir)) {
                Evaluator.ModelResult r = ev.run("champion " + q.name() + "/" + cv.version(), theirs);
                champion = gateMetrics(ev, theirs, r, p);
                c = OfflineEvaluation.compare(mine, r, p);
                type = theirs.type();
                seen = seen(theirs.metadata(), ev);
            }
            gain = c.diff();
            interval = List.of(c.lo(), c.hi());
            boolean enough = c.diff() >= q.minGain();
            passed = enough && c.significant();
            verdict = String.format(Locale.ROOT, "champion = %s version %s (%s): ndcg@%d %.4f vs %.4f, gain %+.4f "
                    + "%s %.4f, 95 %% paired bootstrap interval [%+.4f, %+.4f] %s (%,d users, %s)%s", q.name(),
                    cv.version(), type, K, c.ndcg(), c.baselineNdcg(), c.diff(), enough ? ">=" : "<", q.minGain(),
                    c.lo(), c.hi(), c.significant() ? "above 0" : "not above 0", c.users(), p.label(), seen);
        }
        out.println(verdict);
        if (!passed) {
            return new Result(GATE_FAILED, version, null, challenger, champion, gain, interval,
                    "gate failed, nothing registered: " + verdict);
        }

        Map<String, Double> metrics = TrainerMain.metrics(ev, mine);
        String suffix = p == Protocol.ALL_PURCHASES ? "" : "_new";
        metrics.put("recall@" + RECALL_AT + suffix, challenger.get("recall@" + RECALL_AT));
        metrics.put("train_seconds", mine.trainSeconds());
        ModelMetadata meta = new ModelMetadata(model.type(), q.version(), new LinkedHashMap<>(model.params()),
                data.sha256(), ev.train().items(), false, metrics, Instant.now(), TrainerMain.itemShares(ev.train()),
                TrainerMain.trainedUntil(ev.train()));
        Path dir = export(model, meta, q.out());
        Map<String, String> params = new LinkedHashMap<>();
        model.params().forEach((k, v) -> params.put(k, String.valueOf(v)));
        params.put("dataset_sha256", data.sha256());
        params.put("split", splitSpec);
        ModelRegistry.Version v = q.registry().register(q.name(), dir.toAbsolutePath().toUri().toString(), params,
                metrics);
        q.registry().setAlias(q.name(), q.challengerAlias(), v.version());
        out.printf("registered %s version %s from %s; alias %s -> %s%n", q.name(), v.version(), dir,
                q.challengerAlias(), v.version());
        return new Result(REGISTERED, version, v.version(), challenger, champion, gain, interval,
                String.format("registered %s version %s (%s), alias %s -> %s: %s", q.name(), v.version(), dir,
                        q.challengerAlias(), v.version(), verdict));
    }

    private Dataset load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        Dataset d = Dataset.load(file);
        out.printf("loaded %s: %s%n", file.getFileName(), d.report());
        if (d.interactions().isEmpty()) {
            throw new IOException(file + ": no usable rows");
        }
        return d;
    }

    /** The two numbers the result reports for one model, under the gate's protocol. */
    private static Map<String, Double> gateMetrics(OfflineEvaluation ev, Recommender fitted, Evaluator.ModelResult r,
            Protocol p) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ndcg@" + K, r.variant(p).ndcg());
        m.put("recall@" + RECALL_AT, ev.score(fitted, p, RECALL_AT).recall());
        return m;
    }

    /** Why the champion's number may be too good: it was trained on part of the held-out window. */
    private static String seen(ModelMetadata champion, OfflineEvaluation ev) {
        if (!ev.split().temporal()) {
            return "";
        }
        if (champion.trainedUntil() == null) {
            return "; the champion records no training end, so it may have seen the held-out window, which would "
                    + "favour it";
        }
        if (champion.trainedUntil().getEpochSecond() >= ev.testFrom()) {
            return "; the champion was trained on events up to " + champion.trainedUntil() + ", inside the held-out "
                    + "window (from " + Instant.ofEpochSecond(ev.testFrom()) + "), which favours it: hold out a "
                    + "window after its training end";
        }
        return "";
    }

    /** The champion's version directory: a path or a file: URI (what {@code train} and this command register). */
    static Path artifact(String source) throws IOException {
        if (source.startsWith("file:")) {
            return Path.of(URI.create(source));
        }
        if (source.contains("://")) {
            throw new IOException("cannot read the champion's artifact at " + source
                    + ": the trainer reads file paths and file: URIs");
        }
        return Path.of(source);
    }

    /** Exports, or reuses the directory an earlier attempt of this run wrote (a retried Job). */
    private Path export(Recommender model, ModelMetadata meta, Path base) throws IOException {
        Path dir = base.resolve(Long.toString(meta.version()));
        if (!Files.exists(dir)) {
            return SavedModelExporter.export(model.export(), meta, base);
        }
        ModelMetadata old = ModelMetadata.read(dir);
        if (old.modelType().equals(meta.modelType()) && old.datasetSha256().equals(meta.datasetSha256())
                && old.items().equals(meta.items()) && text(old.params()).equals(text(meta.params()))) {
            out.println("reusing " + dir + ", written by an earlier attempt with the same data and model");
            return dir;
        }
        throw new IllegalArgumentException(dir + " already exists and holds another model: versions are immutable, "
                + "use a new --version");
    }

    private static Map<String, String> text(Map<String, Object> params) {
        Map<String, String> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, String.valueOf(v)));
        return m;
    }

    private Result failed(String message) {
        return new Result(FAILED, version, null, challenger, champion, null, null, message);
    }

    /** --result, else the termination log when the pod has one; null = stdout only. */
    static Path resultFile(String option) {
        if (option != null) {
            Path p = Path.of(option).toAbsolutePath();
            if (!Files.isDirectory(p.getParent())) {
                throw new IllegalArgumentException("--result: no directory " + p.getParent());
            }
            return p;
        }
        Path log = Path.of(TERMINATION_LOG);
        return Files.isRegularFile(log) && Files.isWritable(log) ? log : null;
    }

    private int finish(Result r, Path file, int rc) {
        String json = json(r);
        out.println(json);
        if (file != null) {
            try {
                Files.writeString(file, json);
            } catch (IOException e) {
                // the exit code still tells the operator whether to retry
                System.err.println("could not write the result to " + file + ": " + e);
            }
        }
        return rc;
    }

    /** One line under {@value #MAX_RESULT_BYTES} bytes: a long message is cut (it is the only unbounded field). */
    static String json(Result r) {
        try {
            String s = JSON.writeValueAsString(r);
            String m = r.message() == null ? "" : r.message();
            while (s.getBytes(StandardCharsets.UTF_8).length >= MAX_RESULT_BYTES && !m.isEmpty()) {
                int excess = s.getBytes(StandardCharsets.UTF_8).length - MAX_RESULT_BYTES + 4;
                m = m.substring(0, Math.max(0, m.length() - Math.max(excess, 1)));
                s = JSON.writeValueAsString(new Result(r.result(), r.version(), r.registryVersion(), r.challenger(),
                        r.champion(), r.gain(), r.interval(), m + "..."));
            }
            return s;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
