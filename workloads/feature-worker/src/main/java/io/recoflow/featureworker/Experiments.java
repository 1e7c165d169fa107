package io.recoflow.featureworker;

import io.recoflow.common.Daemon;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.contract.Assigner;
import io.recoflow.common.contract.ExperimentConfig;
import io.recoflow.common.contract.ExperimentFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The A/B experiment whose outcomes the worker counts: the first experiment of the same file the recommendation
 * service routes by (polled, as a ConfigMap's {@code ..data} swap is not reported to watchers of the file), and which
 * events count for it ({@link #of}). The counting itself is {@code apply-experiment.lua}, in {@link FeatureStore}.
 *
 * <p>Which variant a click or purchase counts for: the user's exposure variant, the variant of its first impression
 * as the service tagged it, not the worker's own assignment of the user. The two are equal while the file stays as
 * it was at the exposure (same hash, {@link Assigner}); they differ after a re-weighting or a new salt moved the user,
 * or for the seconds in which the service's and the worker's copies of the file differ (each pod's kubelet syncs the
 * ConfigMap on its own). The exposure variant keeps each user in exactly one variant (users are the unit, and
 * clicked and converted stay subsets of exposed) and is what the user was first shown, so it cannot be skewed by the
 * worker's copy of the file lagging; the difference is counted
 * ({@code recoflow_worker_experiment_events_total{result="mismatch"}}) so a split that moves users is visible.
 */
@Component
class Experiments implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(Experiments.class);

    /** What {@code apply-experiment.lua} is asked to count for one event. */
    record Write(String experiment, Kind kind, Event event, String variant, long windowMillis) {}

    enum Kind {
        IMPRESSION, CLICK, PURCHASE;

        String arg() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final ExperimentFile file;
    private final ScheduledExecutorService poller;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Assigner assigner;

    Experiments(WorkerProperties props) {
        Path path = props.experiments().path();
        this.file = path == null ? null : new ExperimentFile(path);
        if (file == null) {
            poller = null;
            log.info("no experiment file configured: no experiment is counted");
            return;
        }
        reload();
        java.time.Duration every = props.experiments().pollInterval();
        poller = Daemon.every("experiment-reload", every, every, this::reload);
    }

    /** The experiment being counted, or null. */
    ExperimentConfig.Experiment current() {
        Assigner a = assigner;
        return a == null ? null : a.experiment();
    }

    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * What {@code e} counts for, or null: an impression tagged with the experiment exposes its user; any click or
     * purchase may count (only Redis knows whether its user is exposed).
     */
    Write of(Event e) {
        Assigner a = assigner;
        if (a == null) {
            return null;
        }
        ExperimentConfig.Experiment x = a.experiment();
        long window = x.attributionWindowSeconds() * 1000;
        if (e.type() == EventType.REC_IMPRESSION) {
            return x.name().equals(e.experiment()) && e.variant() != null
                    ? new Write(x.name(), Kind.IMPRESSION, e, e.variant(), window) : null;
        }
        if (e.type() == EventType.REC_CLICK || e.type() == EventType.PURCHASE) {
            return new Write(x.name(), e.type() == EventType.REC_CLICK ? Kind.CLICK : Kind.PURCHASE, e,
                    a.variant(e.userId()).name(), window);
        }
        return null;
    }


    synchronized void reload() {
        if (file.reload() != ExperimentFile.Reload.APPLIED) {
            return;
        }
        ExperimentConfig.Experiment x = file.config().first();
        assigner = x == null ? null : new Assigner(x);
        log.info("experiment counted: {}", x == null ? "none" : x.name());
        listeners.forEach(Runnable::run);
    }

    @Override
    public void destroy() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
