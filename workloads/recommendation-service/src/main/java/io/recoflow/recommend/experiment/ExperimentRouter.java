package io.recoflow.recommend.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.recommend.config.MountedFile;
import io.recoflow.recommend.config.RecommendProperties;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deterministic A/B assignment: murmur3(salt + ":" + userId) -> bucket 0..9999 -> variant by cumulative weight.
 * The file is polled rather than watched: a Kubernetes ConfigMap volume swaps a {@code ..data} symlink, which
 * inotify on the file itself does not report, while its resolved path and mtime change reliably.
 */
@Component
public class ExperimentRouter {
    static final int BUCKETS = Buckets.COUNT;
    private static final Logger log = LoggerFactory.getLogger(ExperimentRouter.class);
    // YAML is a superset of JSON, so one parser reads both formats.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final MeterRegistry meters;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private volatile Routing routing = Routing.of(ExperimentConfig.NONE);
    private volatile String stamp = "";

    public ExperimentRouter(RecommendProperties props, MeterRegistry meters) {
        this.file = props.getExperiments().getFile();
        this.meters = meters;
        if (file == null) {
            poller = null;
            return;
        }
        reload();
        long every = props.getExperiments().getPollInterval().toMillis();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "experiment-reload");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::reloadQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** The user's variant in the routing experiment, or null when no experiment is configured. */
    public Assignment assign(String userId) {
        return routing.assign(userId);
    }

    public ExperimentConfig config() {
        return routing.config;
    }

    /** Model versions some variant pins; the model registry keeps them loaded. */
    public Set<Long> pinnedVersions() {
        return routing.config.experiments().stream().limit(1)
                .flatMap(e -> e.variants().stream())
                .map(ExperimentConfig.Variant::modelVersion)
                .filter(Objects::nonNull)
                .collect(Collectors.toUnmodifiableSet());
    }

    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            log.warn("experiment reload failed: {}", e.toString());
        }
    }

    /** Re-reads the file when its resolved path, mtime or content changed; a bad file keeps the previous config. */
    synchronized void reload() {
        MountedFile.Read read = MountedFile.read(file);
        String now = read.stamp();
        if (!read.missing() && read.bytes() == null) {
            log.warn("cannot read experiment file {}: {}", file, now);
            return;
        }
        if (now.equals(stamp)) {
            return;
        }
        ExperimentConfig next;
        if (read.missing()) {
            log.info("experiment file {} is absent: everyone gets the newest model", file);
            next = ExperimentConfig.NONE;
        } else {
            try {
                next = read.bytes().length == 0 ? ExperimentConfig.NONE
                        : YAML.readValue(read.bytes(), ExperimentConfig.class);
                if (next == null) {
                    next = ExperimentConfig.NONE;
                }
            } catch (IOException e) {
                meters.counter("recoflow.experiments.reload", "result", "invalid").increment();
                log.warn("experiment file {} is not valid YAML/JSON, keeping the previous config: {}", file, e.getMessage());
                stamp = now;
                return;
            }
            List<String> errors = next.validate();
            if (!errors.isEmpty()) {
                meters.counter("recoflow.experiments.reload", "result", "invalid").increment();
                log.warn("experiment file {} rejected, keeping the previous config: {}", file, errors);
                stamp = now;
                return;
            }
        }
        if (next.experiments().size() > 1) {
            log.warn("experiment file {} has {} experiments; only the first ({}) routes models",
                    file, next.experiments().size(), next.experiments().get(0).name());
        }
        routing = Routing.of(next);
        stamp = now;
        meters.counter("recoflow.experiments.reload", "result", "applied").increment();
        log.info("experiment config applied: {}", next.experiments().stream().map(ExperimentConfig.Experiment::name).toList());
        listeners.forEach(Runnable::run);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** Precomputed bucket boundaries so assignment is a hash plus a short scan. */
    private static final class Routing {
        final ExperimentConfig config;
        final ExperimentConfig.Experiment experiment;
        final int[] upper;

        private Routing(ExperimentConfig config) {
            this.config = config;
            this.experiment = config.experiments().isEmpty() ? null : config.experiments().get(0);
            if (experiment == null) {
                upper = new int[0];
                return;
            }
            double total = experiment.variants().stream().mapToDouble(ExperimentConfig.Variant::weight).sum();
            upper = new int[experiment.variants().size()];
            double cum = 0;
            for (int i = 0; i < upper.length; i++) {
                cum += experiment.variants().get(i).weight();
                upper[i] = (int) Math.round(cum / total * BUCKETS);
            }
            upper[upper.length - 1] = BUCKETS;
        }

        static Routing of(ExperimentConfig config) {
            return new Routing(config);
        }

        Assignment assign(String userId) {
            if (experiment == null) {
                return null;
            }
            int b = bucket(experiment.effectiveSalt(), userId);
            for (int i = 0; i < upper.length; i++) {
                if (b < upper[i]) {
                    ExperimentConfig.Variant v = experiment.variants().get(i);
                    return new Assignment(experiment.name(), v.name(), v.modelVersion());
                }
            }
            throw new IllegalStateException("bucket " + b + " outside " + BUCKETS);
        }
    }

    static int bucket(String salt, String userId) {
        return Buckets.of(salt, userId);
    }
}
