package io.recoflow.recommend.model;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.ModelArtifact;
import io.recoflow.common.ModelMetadata;
import io.recoflow.common.contract.Serving;
import io.recoflow.common.contract.ServingConfig;
import io.recoflow.recommend.config.RecommendProperties;
import io.recoflow.recommend.experiment.ExperimentRouter;
import io.recoflow.recommend.serving.ServingFile;
import io.recoflow.recommend.serving.ServingPlan;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the wanted model versions loaded and publishes them, with the split that routes among them, as one immutable
 * snapshot that requests read once.
 *
 * <ul>
 *   <li>Without a serving file: the newest {@code keepLatest} complete versions under the base directory plus those an
 *       experiment variant pins; requests get their pinned version or the newest.</li>
 *   <li>With the operator's serving file ({@link ServingFile}): exactly its {@code versions} (and stable/canary) plus
 *       the pinned ones, and its {@link ServingPlan} routes each user to stable or canary. In the
 *       {@code tensorflow-serving} runtime stable and canary are TF Serving's version labels; the item list of each
 *       version still comes from its {@code metadata.json} under the base directory.</li>
 * </ul>
 *
 * A new version is loaded and warmed up in the background and only then published. Until the serving file's stable
 * is loaded the previous plan keeps routing; until its canary is loaded, canary users stay on stable. A dropped
 * version is released and closes when its last request ends, so no request fails across a reload.
 */
@Component
public class ModelRegistry {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    private static final int MAX_LOAD_ATTEMPTS = 3;
    private static final int POPULAR_SIZE = 200;
    static final String DEFAULT_TF_SERVING_MODEL = "recommender";

    /** What one request reads: the loaded versions and the plan routing among them (null without a serving file). */
    private record Snapshot(NavigableMap<Long, LoadedModel> models, ServingPlan plan) {
        static final Snapshot EMPTY = new Snapshot(Collections.emptyNavigableMap(), null);
    }

    /** Where a version comes from: its directory (metadata in both runtimes) and, for TF Serving, the predict URL. */
    private record Source(Path dir, URI predict) {
        String id() {
            return predict != null ? predict.toString() : dir.toString();
        }
    }

    private final RecommendProperties.Model cfg;
    private final ExperimentRouter experiments;
    private final ServingFile serving;
    private final MeterRegistry meters;
    private final ScheduledExecutorService loader;
    // loader thread only
    private final Map<String, Integer> failures = new HashMap<>();
    private final Set<String> waiting = new HashSet<>();
    private ServingConfig lastDesired;
    private HttpClient http;
    private volatile ExecutorService httpExecutor;
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private volatile boolean pending;

    public ModelRegistry(RecommendProperties props, ExperimentRouter experiments, ServingFile serving, MeterRegistry meters) {
        this.cfg = props.getModel();
        this.experiments = experiments;
        this.serving = serving;
        this.meters = meters;
        if (!serving.enabled() && Serving.RUNTIME_TF_SERVING.equals(props.getServing().getRuntime())
                && cfg.getTfServingUrl() == null) {
            throw new IllegalStateException(Serving.ENV_RUNTIME + "=" + Serving.RUNTIME_TF_SERVING + " needs "
                    + Serving.ENV_SERVING_FILE + " or " + Serving.ENV_TF_SERVING_URL);
        }
        Gauge.builder("recoflow.model.version", this, r -> r.latestVersion())
                .description("newest loaded model version (0 = none)").register(meters);
        Gauge.builder("recoflow.model.loaded", this, r -> r.snapshot.models.size())
                .description("model versions in memory").register(meters);
        if (serving.enabled()) {
            Gauge.builder("recoflow.serving.stable", this, r -> r.snapshot.plan == null ? 0 : r.snapshot.plan.stable())
                    .description("version the serving file's stable users get (0 = none routed yet)").register(meters);
            Gauge.builder("recoflow.serving.canary", this, r -> {
                ServingPlan p = r.snapshot.plan;
                return p == null || p.canaryWeight() == 0 ? 0 : p.canary();
            }).description("version canary users get (0 = no canary traffic)").register(meters);
            Gauge.builder("recoflow.serving.canary.weight", this,
                            r -> r.snapshot.plan == null ? 0 : r.snapshot.plan.canaryWeight())
                    .description("percent of users routed to the canary now").register(meters);
            Gauge.builder("recoflow.serving.pending", this, r -> r.pending ? 1 : 0)
                    .description("1 while the accepted serving file is not fully loaded and routed yet").register(meters);
        }
        this.loader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-loader");
            t.setDaemon(true);
            return t;
        });
        long every = cfg.getPollInterval().toMillis();
        loader.scheduleWithFixedDelay(this::scanQuietly, 0, every, TimeUnit.MILLISECONDS);
        experiments.onChange(this::refresh);
        serving.onChange(this::refresh);
    }

    /** {@link #acquire(String, Long)} for no particular user: the pinned version, the serving file's stable or the newest. */
    public LoadedModel acquire(Long version) {
        return acquire(null, version);
    }

    /**
     * The model that scores this user: the {@code pinned} version when it is loaded, else the serving file's split
     * (stable or canary for this user; stable when {@code userId} is null), else the newest loaded version. The caller
     * must {@link LoadedModel#release()} it. Null when no model is loaded at all.
     */
    public LoadedModel acquire(String userId, Long pinned) {
        for (;;) {
            Snapshot s = snapshot;
            LoadedModel m = pinned == null ? null : s.models.get(pinned);
            if (m == null && s.plan != null) {
                m = s.models.get(userId == null ? s.plan.stable() : s.plan.route(userId));
            }
            if (m == null) {
                Map.Entry<Long, LoadedModel> e = s.models.lastEntry();
                if (e == null) {
                    return null;
                }
                m = e.getValue();
            }
            if (m.tryAcquire()) {
                return m;
            }
            // retired between reading the snapshot and acquiring: the next snapshot no longer has it
            Thread.onSpinWait();
        }
    }

    public long latestVersion() {
        NavigableMap<Long, LoadedModel> m = snapshot.models;
        return m.isEmpty() ? 0 : m.lastKey();
    }

    public Set<Long> loadedVersions() {
        return snapshot.models.keySet();
    }

    /** Whether a serving file decides versions and routing. */
    public boolean servingEnabled() {
        return serving.enabled();
    }

    /** The split routing requests now; null without a serving file or before its stable version is loaded. */
    public ServingPlan activePlan() {
        return snapshot.plan;
    }

    /** True while the accepted serving file is not fully in effect (a version still loading, failed, or missing). */
    public boolean servingPending() {
        return pending;
    }

    /** Asks for a rescan now (new experiment pins, a new serving file); runs on the loader thread. */
    public void refresh() {
        loader.execute(this::scanQuietly);
    }

    private void scanQuietly() {
        try {
            if (serving.enabled()) {
                scanServing();
            } else {
                scanNewest();
            }
        } catch (Throwable e) {
            // anything escaping would cancel the periodic scan for good: log it and try again next poll
            log.error("model scan of {} failed: {}", cfg.getBaseDir(), e.toString(), e);
        }
    }

    private void scanNewest() throws IOException {
        NavigableMap<Long, Path> complete = completeVersions();
        Set<Long> wanted = new TreeSet<>();
        complete.descendingKeySet().stream().limit(cfg.getKeepLatest()).forEach(wanted::add);
        experiments.pinnedVersions().stream().filter(complete::containsKey).forEach(wanted::add);

        Snapshot cur = snapshot;
        NavigableMap<Long, LoadedModel> next = new TreeMap<>(cur.models);
        next.keySet().retainAll(wanted);
        for (Long v : wanted) {
            if (!next.containsKey(v)) {
                Source src = new Source(complete.get(v), cfg.getTfServingUrl() == null ? null
                        : TfServingModel.predictUri(cfg.getTfServingUrl(), tfServingModel(null), "versions/" + v));
                LoadedModel m = tryLoad(v, src);
                if (m != null) {
                    next.put(v, m);
                }
            }
        }
        publish(next, null, cur);
    }

    /**
     * The serving file's versions. Publishes the new plan once its stable is loaded (with canary traffic once the
     * canary is loaded too); until then the last plan keeps routing with the versions it needs.
     */
    private void scanServing() {
        ServingConfig desired = serving.config();
        if (desired == null) {
            return; // nothing accepted yet: nothing to load, and readiness stays down
        }
        if (!desired.equals(lastDesired)) {
            // a new file is a new intent: versions that failed before get their attempts again
            failures.clear();
            waiting.clear();
            lastDesired = desired;
        }
        Snapshot cur = snapshot;
        ServingPlan plan = ServingPlan.of(desired);
        Map<Long, Source> want = wanted(desired, plan);
        Map<Long, LoadedModel> available = new HashMap<>();
        List<LoadedModel> fresh = new ArrayList<>();
        for (Map.Entry<Long, Source> e : want.entrySet()) {
            long v = e.getKey();
            LoadedModel have = cur.models.get(v);
            if (have != null && e.getValue().id().equals(have.source())) {
                available.put(v, have);
                continue;
            }
            LoadedModel m = tryLoad(v, e.getValue());
            if (m != null) {
                available.put(v, m);
                fresh.add(m);
            }
        }
        ServingPlan active;
        NavigableMap<Long, LoadedModel> next = new TreeMap<>();
        if (available.containsKey(plan.stable())) {
            boolean canaryReady = plan.canary() == null || plan.canaryWeight() == 0 || available.containsKey(plan.canary());
            active = canaryReady ? plan : plan.withoutCanaryTraffic();
            next.putAll(available);
        } else {
            // the new stable is not servable yet: the last plan keeps routing with its own versions
            active = cur.plan;
            if (active != null) {
                for (Long v : active.canaryWeight() > 0 ? List.of(active.stable(), active.canary()) : List.of(active.stable())) {
                    LoadedModel m = cur.models.get(v);
                    if (m != null) {
                        next.put(v, m);
                    }
                }
            }
            available.forEach(next::putIfAbsent);
        }
        for (LoadedModel m : fresh) {
            if (next.get(m.version()) != m) {
                m.release(); // loaded for the new plan but clashes with a version the last plan still routes to
            }
        }
        pending = !plan.equals(active) || !next.keySet().containsAll(want.keySet());
        publish(next, active, cur);
    }

    /** Stable, canary, the rest of {@code versions} (embedded only: TF Serving holds those), then pinned versions. */
    private Map<Long, Source> wanted(ServingConfig desired, ServingPlan plan) {
        boolean remote = Serving.RUNTIME_TF_SERVING.equals(desired.runtime());
        List<Long> order = new ArrayList<>();
        order.add(desired.stable());
        if (desired.canary() != null) {
            order.add(desired.canary());
        }
        if (!remote) {
            order.addAll(desired.versions());
        }
        order.addAll(new TreeSet<>(experiments.pinnedVersions()));
        Map<Long, Source> want = new LinkedHashMap<>();
        for (long v : order) {
            if (want.containsKey(v)) {
                continue;
            }
            Path dir = cfg.getBaseDir().resolve(Long.toString(v));
            URI predict = null;
            if (remote) {
                String label = plan.label(v);
                String url = cfg.getTfServingUrl() != null ? cfg.getTfServingUrl() : desired.endpoint();
                predict = TfServingModel.predictUri(url, tfServingModel(desired),
                        label != null ? "labels/" + label : "versions/" + v);
            }
            want.put(v, new Source(dir, predict));
        }
        return want;
    }

    private String tfServingModel(ServingConfig desired) {
        if (cfg.getTfServingModelName() != null) {
            return cfg.getTfServingModelName();
        }
        return desired != null ? desired.model() : DEFAULT_TF_SERVING_MODEL;
    }

    /** Swaps in the new snapshot when anything changed, then releases the versions it no longer holds. */
    private void publish(NavigableMap<Long, LoadedModel> next, ServingPlan plan, Snapshot cur) {
        if (Objects.equals(plan, cur.plan) && next.equals(cur.models)
                && next.entrySet().stream().allMatch(e -> cur.models.get(e.getKey()) == e.getValue())) {
            return;
        }
        snapshot = new Snapshot(Collections.unmodifiableNavigableMap(next), plan);
        log.info("serving model versions {} (newest {}){}", next.keySet(), next.isEmpty() ? "none" : next.lastKey(),
                plan == null ? "" : ", routing " + plan);
        // after the swap no new request can pick them up; each closes when its last in-flight request releases it
        for (LoadedModel m : cur.models.values()) {
            if (next.get(m.version()) != m) {
                log.info("retiring model version {} from {} ({} in-flight)", m.version(), m.source(), m.references() - 1);
                m.release();
            }
        }
    }

    /** Integer directories holding both the SavedModel and its metadata, by version. */
    private NavigableMap<Long, Path> completeVersions() throws IOException {
        NavigableMap<Long, Path> out = new TreeMap<>();
        Path base = cfg.getBaseDir();
        if (!Files.isDirectory(base)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(base)) {
            dirs.filter(Files::isDirectory).forEach(d -> {
                long v = parseVersion(d.getFileName().toString());
                if (v > 0 && complete(d, false)) {
                    out.put(v, d);
                }
            });
        }
        return out;
    }

    /** An embedded version needs its SavedModel and metadata; a TF Serving one only the metadata (its item list). */
    private static boolean complete(Path dir, boolean remote) {
        return Files.isRegularFile(ModelArtifact.metadataPath(dir))
                && (remote || Files.isRegularFile(dir.resolve("saved_model.pb")));
    }

    static long parseVersion(String name) {
        if (name.isEmpty() || name.length() > 18 || !name.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(name);
    }

    /**
     * Loads unless it is not there yet (logged once, not a failure) or has failed too often: an embedded version gets
     * {@value #MAX_LOAD_ATTEMPTS} attempts, a TF Serving one is retried on every poll (the server may start later).
     */
    private LoadedModel tryLoad(long version, Source src) {
        String key = version + "@" + src.id();
        boolean remote = src.predict() != null;
        int failed = failures.getOrDefault(key, 0);
        if (!remote && failed >= MAX_LOAD_ATTEMPTS) {
            return null;
        }
        if (!complete(src.dir(), remote)) {
            if (waiting.add(key)) {
                log.info("waiting for model version {}: {} is incomplete", version, src.dir());
            }
            return null;
        }
        waiting.remove(key);
        return load(version, src, key, remote);
    }

    private LoadedModel load(long version, Source src, String key, boolean remote) {
        long t0 = System.nanoTime();
        ScoringModel model = null;
        try {
            ModelMetadata meta = ModelMetadata.read(src.dir());
            if (meta.items() == null || meta.items().isEmpty()) {
                throw new IllegalArgumentException("metadata has no items");
            }
            model = remote ? new TfServingModel(http(), src.predict(), cfg.getScoringTimeout())
                    : embedded(src.dir(), meta.items().size());
            LoadedModel loaded = new LoadedModel(version, meta, model, src.id());
            warmUp(loaded);
            Scores top = loaded.score(new int[0], Math.min(POPULAR_SIZE, loaded.itemCount()));
            List<String> popular = new ArrayList<>(top.indices().length);
            for (int i : top.indices()) {
                String item = loaded.itemAt(i);
                if (item != null) {
                    popular.add(item);
                }
            }
            loaded.popular(popular);
            failures.remove(key);
            meters.counter("recoflow.model.load", "result", "success").increment();
            log.info("loaded model version {} from {} ({} items, type {}) in {} ms", version, src.id(), meta.items().size(),
                    meta.modelType(), (System.nanoTime() - t0) / 1_000_000);
            return loaded;
        } catch (Exception | Error e) {
            if (model != null) {
                model.close();
            }
            int n = failures.merge(key, 1, Integer::sum);
            meters.counter("recoflow.model.load", "result", "failure").increment();
            if (!remote) {
                log.warn("cannot load model version {} (attempt {}/{}): {}", version, n, MAX_LOAD_ATTEMPTS, e.toString());
            } else if (n <= MAX_LOAD_ATTEMPTS || n % 10 == 0) {
                log.warn("cannot load model version {} from {} (attempt {}, retried every poll): {}", version, src.id(), n,
                        e.toString());
            }
            return null;
        }
    }

    /** One client for all TF Serving versions, on a bounded pool of daemon threads rather than a thread per task. */
    private HttpClient http() {
        if (http == null) {
            int threads = Math.max(2, cfg.getScoringThreads() > 0 ? cfg.getScoringThreads()
                    : Runtime.getRuntime().availableProcessors());
            AtomicInteger n = new AtomicInteger();
            // unbounded queue on purpose: the scoring pool already bounds the calls in flight, and a rejected
            // internal task would leave an HTTP exchange hanging instead of failing it
            httpExecutor = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "tf-serving-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            http = HttpClient.newBuilder()
                    .executor(httpExecutor)
                    .connectTimeout(Duration.ofSeconds(2))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        }
        return http;
    }

    /** The SavedModel, or its Java fast path when the graph is item-item and both agree on sample histories. */
    private ScoringModel embedded(Path dir, int items) throws Exception {
        EmbeddedModel tf = new EmbeddedModel(dir);
        if (!cfg.isJavaFastPath()) {
            return tf;
        }
        try {
            var fast = ItemItemModel.from(tf.bundle(), items);
            if (fast.isEmpty()) {
                return tf;
            }
            String mismatch = mismatch(tf, fast.get(), items);
            if (mismatch != null) {
                log.warn("java fast path disagrees with the SavedModel ({}); scoring with TensorFlow", mismatch);
                return tf;
            }
            log.info("item-item SavedModel: scoring in Java from its variables (parity checked against the graph)");
            tf.close();
            return fast.get();
        } catch (RuntimeException e) {
            tf.close();
            throw e;
        }
    }

    /** Null when both give the same items (near-ties may swap) and scores on random histories, else why not. */
    static String mismatch(ScoringModel graph, ScoringModel java, int items) throws Exception {
        Random rnd = new Random(42);
        int k = Math.min(50, items);
        for (int run = 0; run < 50; run++) {
            int[] h = new int[run % 41];
            for (int j = 0; j < h.length; j++) {
                h[j] = rnd.nextInt(items);
            }
            Scores a = graph.score(h, k);
            Scores b = java.score(h, k);
            if (a.indices().length != b.indices().length) {
                return "length " + a.indices().length + " vs " + b.indices().length;
            }
            for (int i = 0; i < a.indices().length; i++) {
                float x = a.scores()[i];
                float y = b.scores()[i];
                if (Math.abs(x - y) > 1e-5f * Math.max(1f, Math.abs(x))) {
                    return "score at rank " + i + ": " + x + " vs " + y;
                }
                if (a.indices()[i] != b.indices()[i] && Math.abs(x - y) > 1e-5f * Math.max(1f, Math.abs(x))) {
                    return "item at rank " + i;
                }
            }
        }
        return null;
    }

    /** Runs the signature before the version takes traffic, so the first users do not pay graph initialisation. */
    private void warmUp(LoadedModel m) throws Exception {
        Random rnd = new Random(m.version());
        int n = m.itemCount();
        for (int i = 0; i < cfg.getWarmupRuns(); i++) {
            int[] h = new int[i % 10];
            for (int j = 0; j < h.length; j++) {
                h[j] = rnd.nextInt(n);
            }
            Scores s = m.score(h, Math.min(10, n));
            if (s.indices().length == 0) {
                throw new IllegalStateException("model returned no items for k=" + Math.min(10, n));
            }
        }
    }

    @PreDestroy
    void stop() {
        loader.shutdownNow();
        try {
            loader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        snapshot.models.values().forEach(LoadedModel::forceClose);
        snapshot = Snapshot.EMPTY;
        ExecutorService h = httpExecutor;
        if (h != null) {
            h.shutdownNow();
        }
    }
}
