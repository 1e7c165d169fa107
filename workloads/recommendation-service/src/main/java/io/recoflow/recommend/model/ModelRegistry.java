package io.recoflow.recommend.model;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.ModelArtifact;
import io.recoflow.common.ModelMetadata;
import io.recoflow.recommend.config.RecommendProperties;
import io.recoflow.recommend.experiment.ExperimentRouter;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Watches the model base directory and keeps the wanted versions loaded: the newest {@code keepLatest} complete
 * versions plus those an experiment variant pins. A new version is loaded and warmed up in the background, then
 * published by swapping an immutable snapshot; a dropped version is released and closes when its last request ends.
 */
@Component
public class ModelRegistry {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    private static final int MAX_LOAD_ATTEMPTS = 3;
    private static final int POPULAR_SIZE = 200;

    private final RecommendProperties.Model cfg;
    private final ExperimentRouter experiments;
    private final MeterRegistry meters;
    private final HttpClient http;
    private final ScheduledExecutorService loader;
    private final Map<Long, Integer> failures = new HashMap<>();
    private volatile NavigableMap<Long, LoadedModel> snapshot = Collections.emptyNavigableMap();

    public ModelRegistry(RecommendProperties props, ExperimentRouter experiments, MeterRegistry meters) {
        this.cfg = props.getModel();
        this.experiments = experiments;
        this.meters = meters;
        this.http = cfg.getTfServingUrl() == null ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
        Gauge.builder("recoflow.model.version", this, r -> r.latestVersion())
                .description("newest loaded model version (0 = none)").register(meters);
        Gauge.builder("recoflow.model.loaded", this, r -> r.snapshot.size())
                .description("model versions in memory").register(meters);
        this.loader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-loader");
            t.setDaemon(true);
            return t;
        });
        long every = cfg.getPollInterval().toMillis();
        loader.scheduleWithFixedDelay(this::scanQuietly, 0, every, TimeUnit.MILLISECONDS);
        experiments.onChange(this::refresh);
    }

    /**
     * A reference to the wanted version (null = newest), or to the newest when that version is not loaded.
     * The caller must {@link LoadedModel#release()} it. Null when no model is loaded at all.
     */
    public LoadedModel acquire(Long version) {
        for (;;) {
            NavigableMap<Long, LoadedModel> s = snapshot;
            LoadedModel m = version == null ? null : s.get(version);
            if (m == null) {
                Map.Entry<Long, LoadedModel> e = s.lastEntry();
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
        NavigableMap<Long, LoadedModel> s = snapshot;
        return s.isEmpty() ? 0 : s.lastKey();
    }

    public Set<Long> loadedVersions() {
        return snapshot.keySet();
    }

    /** Asks for a rescan now (new experiment pins); runs on the loader thread. */
    public void refresh() {
        loader.execute(this::scanQuietly);
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (Throwable e) {
            // anything escaping would cancel the periodic scan for good: log it and try again next poll
            log.error("model scan of {} failed: {}", cfg.getBaseDir(), e.toString(), e);
        }
    }

    private void scan() throws IOException {
        NavigableMap<Long, Path> complete = completeVersions();
        Set<Long> wanted = new TreeSet<>();
        complete.descendingKeySet().stream().limit(cfg.getKeepLatest()).forEach(wanted::add);
        experiments.pinnedVersions().stream().filter(complete::containsKey).forEach(wanted::add);

        NavigableMap<Long, LoadedModel> next = new TreeMap<>(snapshot);
        boolean changed = false;
        for (Long v : wanted) {
            if (next.containsKey(v) || failures.getOrDefault(v, 0) >= MAX_LOAD_ATTEMPTS) {
                continue;
            }
            LoadedModel m = load(v, complete.get(v));
            if (m != null) {
                next.put(v, m);
                changed = true;
            }
        }
        var dropped = new TreeMap<Long, LoadedModel>();
        for (var it = next.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                dropped.put(e.getKey(), e.getValue());
                it.remove();
                changed = true;
            }
        }
        if (changed) {
            snapshot = Collections.unmodifiableNavigableMap(next);
            log.info("serving model versions {} (newest {})", next.keySet(), next.isEmpty() ? "none" : next.lastKey());
        }
        // after the swap no new request can pick them up; each closes when its last in-flight request releases it
        dropped.forEach((v, m) -> {
            log.info("retiring model version {} ({} in-flight)", v, m.references() - 1);
            m.release();
        });
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
                if (v > 0 && Files.isRegularFile(d.resolve("saved_model.pb"))
                        && Files.isRegularFile(ModelArtifact.metadataPath(d))) {
                    out.put(v, d);
                }
            });
        }
        return out;
    }

    static long parseVersion(String name) {
        if (name.isEmpty() || name.length() > 18 || !name.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(name);
    }

    private LoadedModel load(long version, Path dir) {
        long t0 = System.nanoTime();
        ScoringModel model = null;
        try {
            ModelMetadata meta = ModelMetadata.read(dir);
            if (meta.items() == null || meta.items().isEmpty()) {
                throw new IllegalArgumentException("metadata has no items");
            }
            model = cfg.getTfServingUrl() == null ? embedded(dir, meta.items().size())
                    : new TfServingModel(http, cfg.getTfServingUrl(), cfg.getTfServingModelName(), version, cfg.getScoringTimeout());
            LoadedModel loaded = new LoadedModel(version, meta, model);
            warmUp(loaded);
            Scores top = loaded.score(new int[0], Math.min(POPULAR_SIZE, loaded.itemCount()));
            java.util.List<String> popular = new java.util.ArrayList<>(top.indices().length);
            for (int i : top.indices()) {
                String item = loaded.itemAt(i);
                if (item != null) {
                    popular.add(item);
                }
            }
            loaded.popular(popular);
            meters.counter("recoflow.model.load", "result", "success").increment();
            log.info("loaded model version {} ({} items, type {}) in {} ms", version, meta.items().size(),
                    meta.modelType(), (System.nanoTime() - t0) / 1_000_000);
            return loaded;
        } catch (Exception | Error e) {
            if (model != null) {
                model.close();
            }
            int n = failures.merge(version, 1, Integer::sum);
            meters.counter("recoflow.model.load", "result", "failure").increment();
            log.warn("cannot load model version {} (attempt {}/{}): {}", version, n, MAX_LOAD_ATTEMPTS, e.toString());
            return null;
        }
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
        snapshot.values().forEach(LoadedModel::forceClose);
        snapshot = Collections.emptyNavigableMap();
    }
}
