package io.recoflow.recommend.experiment;

import io.recoflow.common.Daemon;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.contract.Assigner;
import io.recoflow.common.contract.ExperimentConfig;
import io.recoflow.common.contract.ExperimentFile;
import io.recoflow.recommend.config.RecommendProperties;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deterministic A/B assignment by the first experiment of the experiment file ({@link Assigner}: the same split the
 * feature worker counts outcomes by). The file is polled rather than watched: a Kubernetes ConfigMap volume swaps a
 * {@code ..data} symlink, which inotify on the file itself does not report, while its resolved path and mtime change
 * reliably.
 */
@Component
public class ExperimentRouter {
    private static final Logger log = LoggerFactory.getLogger(ExperimentRouter.class);

    private final ExperimentFile file;
    private final MeterRegistry meters;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private volatile Routing routing = Routing.of(ExperimentConfig.NONE);

    public ExperimentRouter(RecommendProperties props, MeterRegistry meters) {
        this.file = props.getExperiments().getFile() == null ? null : new ExperimentFile(props.getExperiments().getFile());
        this.meters = meters;
        if (file == null) {
            poller = null;
            return;
        }
        reload();
        java.time.Duration every = props.getExperiments().getPollInterval();
        poller = Daemon.every("experiment-reload", every, every, this::reload);
    }

    /** The user's variant in the routing experiment, or null when no experiment is configured. */
    public Assignment assign(String userId) {
        return routing.assign(userId);
    }

    public ExperimentConfig config() {
        return routing.config;
    }

    /** One per variant of the routing experiment, the objects {@link #assign} returns; empty without one. */
    public List<Assignment> assignments() {
        return List.of(routing.assignments);
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


    /** Re-reads the file when its resolved path, mtime or content changed; a bad file keeps the previous config. */
    synchronized void reload() {
        ExperimentFile.Reload result = file.reload();
        if (result == ExperimentFile.Reload.INVALID) {
            meters.counter("recoflow.experiments.reload", "result", "invalid").increment();
        }
        if (result != ExperimentFile.Reload.APPLIED) {
            return;
        }
        ExperimentConfig next = file.config();
        if (next.experiments().isEmpty()) {
            log.info("no experiment in {}: everyone gets the newest model", file.path());
        }
        routing = Routing.of(next);
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

    /** The split plus one {@link Assignment} per variant, so assigning a request allocates nothing. */
    private static final class Routing {
        final ExperimentConfig config;
        final Assigner assigner;
        final Assignment[] assignments;

        private Routing(ExperimentConfig config) {
            this.config = config;
            ExperimentConfig.Experiment x = config.first();
            this.assigner = x == null ? null : new Assigner(x);
            this.assignments = x == null ? new Assignment[0] : x.variants().stream()
                    .map(v -> new Assignment(x.name(), v.name(), v.modelVersion()))
                    .toArray(Assignment[]::new);
        }

        static Routing of(ExperimentConfig config) {
            return new Routing(config);
        }

        Assignment assign(String userId) {
            return assigner == null ? null : assignments[assigner.index(userId)];
        }
    }
}
