package io.recoflow.recommend.serving;

import io.recoflow.common.Daemon;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.MountedFile;
import io.recoflow.common.contract.Serving;
import io.recoflow.common.contract.ServingConfig;
import io.recoflow.recommend.config.RecommendProperties;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The operator's {@code serving.json} ({@link ServingConfig}) as last read and accepted. Polled like the experiment
 * file, because a ConfigMap update swaps a {@code ..data} symlink that inotify on the file does not report: the
 * resolved path, mtime and content hash are compared on each poll, and a content seen before is not parsed again. A file that is unreadable, missing or invalid keeps the last good config, is logged once per
 * distinct content and counted ({@code recoflow_serving_reload_total{result="invalid"}},
 * {@code recoflow_serving_reload_failing} = 1 until a good file arrives).
 */
@Component
public class ServingFile {
    private static final Logger log = LoggerFactory.getLogger(ServingFile.class);

    private final Path file;
    private final String runtime;
    private final String tfServingUrl;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private final Counter applied;
    private final Counter invalid;
    private volatile ServingConfig config;
    private volatile boolean failing;
    private String stat = "";
    private String seenHash = "";
    private String appliedHash = "";

    public ServingFile(RecommendProperties props, MeterRegistry meters) {
        RecommendProperties.ServingSettings cfg = props.getServing();
        this.file = cfg.getFile();
        this.runtime = cfg.getRuntime();
        this.tfServingUrl = props.getModel().getTfServingUrl();
        this.applied = Counter.builder("recoflow.serving.reload").tag("result", "applied")
                .description("serving.json reloads, by result").register(meters);
        this.invalid = Counter.builder("recoflow.serving.reload").tag("result", "invalid")
                .description("serving.json reloads, by result").register(meters);
        if (file == null) {
            poller = null;
            return;
        }
        Gauge.builder("recoflow.serving.reload.failing", this, f -> f.failing ? 1 : 0)
                .description("1 while the serving file on disk is rejected and the last good config keeps serving")
                .register(meters);
        reload();
        java.time.Duration every = cfg.getPollInterval();
        poller = Daemon.every("serving-reload", every, every, this::reload);
    }

    /** Whether a serving file is configured at all; without one the service serves its newest versions. */
    public boolean enabled() {
        return file != null;
    }

    public Path path() {
        return file;
    }

    /** The last accepted config; null when none was ever accepted (or no file is configured). */
    public ServingConfig config() {
        return config;
    }

    /** True while the file on disk is rejected (missing, unreadable or invalid) and the last good config serves. */
    public boolean failing() {
        return failing;
    }

    /** Called on the poller thread after a new config is accepted. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }


    /**
     * Re-reads the file (a few hundred bytes) and compares resolved path, mtime and content hash with the last poll:
     * the path catches a {@code ..data} swap, the hash an in-place rewrite within the mtime's resolution.
     */
    synchronized void reload() {
        MountedFile.Read read = MountedFile.read(file);
        String now = read.stamp();
        byte[] bytes = read.bytes();
        String hash = read.hash();
        if (now.equals(stat)) {
            return;
        }
        stat = now;
        if (bytes == null) {
            reject(read.missing() ? "is absent" : "cannot be read (" + now + ")");
            return;
        }
        if (hash.equals(appliedHash)) {
            // e.g. the same content re-synced under a new ..data directory, or a bad file replaced by the good one
            failing = false;
            return;
        }
        if (hash.equals(seenHash)) {
            return; // the same rejected content again: already logged and counted
        }
        seenHash = hash;
        ServingConfig next;
        try {
            next = ServingConfig.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            reject("is invalid: " + describe(e));
            return;
        }
        List<String> errors = check(next);
        if (!errors.isEmpty()) {
            reject("is invalid: " + String.join("; ", errors));
            return;
        }
        appliedHash = hash;
        failing = false;
        if (next.equals(config)) {
            return;
        }
        config = next;
        applied.increment();
        log.info("serving file {} applied: model {}, runtime {}, {}, versions {}", file, next.model(), next.runtime(),
                ServingPlan.of(next), next.versions());
        listeners.forEach(Runnable::run);
    }

    /** What {@link ServingConfig#validate()} cannot know: this process's runtime, and that routed versions are served. */
    List<String> check(ServingConfig c) {
        List<String> errors = new ArrayList<>();
        if (runtime != null && !runtime.equals(c.runtime())) {
            errors.add("runtime " + c.runtime() + " differs from " + Serving.ENV_RUNTIME + "=" + runtime);
        }
        if (c.versions().stream().anyMatch(v -> v == null || v <= 0)) {
            errors.add("versions must be positive integers");
        }
        if (c.canary() != null && c.canary() <= 0) {
            errors.add("canary must be a positive version");
        }
        if (!c.versions().isEmpty() && !c.versions().contains(c.stable())) {
            errors.add("versions " + c.versions() + " lack stable " + c.stable());
        }
        if (!c.versions().isEmpty() && c.canary() != null && !c.versions().contains(c.canary())) {
            errors.add("versions " + c.versions() + " lack canary " + c.canary());
        }
        if (Serving.RUNTIME_TF_SERVING.equals(c.runtime()) && blank(c.endpoint()) && blank(tfServingUrl)) {
            errors.add("endpoint is required for " + Serving.RUNTIME_TF_SERVING + " (or set " + Serving.ENV_TF_SERVING_URL + ")");
        }
        return errors;
    }

    private void reject(String why) {
        failing = true;
        invalid.increment();
        log.warn("serving file {} {}; {}", file, why, config == null
                ? "no model is served until a valid one arrives" : "keeping the last good config (" + ServingPlan.of(config) + ")");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Jackson's own message and position, on one line. */
    private static String describe(Exception e) {
        String msg = e.getMessage();
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            msg = j.getOriginalMessage() + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        return msg == null ? e.toString() : msg.replaceAll("\\s+", " ").trim();
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
