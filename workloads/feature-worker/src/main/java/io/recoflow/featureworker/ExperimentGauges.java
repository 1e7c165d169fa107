package io.recoflow.featureworker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.contract.ExperimentConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The counted experiment's totals from Redis as gauges, what the operator judges the experiment by:
 * {@code recoflow_experiment_users{experiment, variant, outcome=exposed|clicked|converted}} (distinct users),
 * {@code recoflow_experiment_clicks{experiment, variant}} (sum of clicks) and
 * {@code recoflow_experiment_clicks_squared{experiment, variant}} (sum over users of clicks squared). Every replica
 * reports the same totals (they are Redis's), so the operator takes {@code max} over them.
 *
 * <p>A background thread re-reads the one counts hash every {@code refreshInterval}; a scrape only reads memory, so
 * a slow or unreachable Redis never holds up {@code /actuator/prometheus} (the gauges keep the last values read).
 * Every variant of the file's experiment has its series from the start, at 0 until Redis says otherwise.
 */
@Component
class ExperimentGauges implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(ExperimentGauges.class);
    private static final List<String> USER_OUTCOMES = List.of(RedisKeys.EXPOSED, RedisKeys.CLICKED, RedisKeys.CONVERTED);

    /**
     * The series of one experiment: {@code <variant>:<counter>} -> its value, and the meters to remove later.
     * @param variants the variant names the series were built for
     */
    private record Series(String experiment, List<String> variants, Map<String, AtomicLong> values,
            List<Meter> meters) {}

    private final MeterRegistry registry;
    private final FeatureStore store;
    private final Experiments experiments;
    private final ScheduledExecutorService refresher;
    private Series series;
    private boolean failing;

    ExperimentGauges(MeterRegistry registry, FeatureStore store, Experiments experiments, WorkerProperties props) {
        this.registry = registry;
        this.store = store;
        this.experiments = experiments;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "experiment-gauges");
            t.setDaemon(true);
            return t;
        });
        long every = props.experiments().refreshInterval().toMillis();
        // the gauges change on the refresher thread only, so a file change never races a refresh
        experiments.onChange(() -> refresher.execute(this::refresh));
        refresher.scheduleWithFixedDelay(this::refresh, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Follows the file's experiment, then reads its counts; runs on the refresher thread. */
    void refresh() {
        try {
            ExperimentConfig.Experiment x = experiments.current();
            if (x == null ? series != null : series == null || !series.experiment().equals(x.name())
                    || !series.variants().equals(names(x))) {
                replace(x);
            }
            if (series == null) {
                return;
            }
            Map<String, String> counts = store.experimentCounts(series.experiment());
            series.values().forEach((field, v) -> v.set(parse(counts.get(field))));
            if (failing) {
                log.info("experiment counts readable again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) { // once per outage, not every few seconds
                log.warn("cannot read the experiment counts, the gauges keep their last values: {}",
                        e.getClass().getSimpleName());
                failing = true;
            }
        }
    }

    private static List<String> names(ExperimentConfig.Experiment x) {
        return x.variants().stream().map(ExperimentConfig.Variant::name).toList();
    }

    private void replace(ExperimentConfig.Experiment x) {
        if (series != null) {
            series.meters().forEach(registry::remove);
            series = null;
        }
        if (x == null) {
            return;
        }
        Map<String, AtomicLong> values = new HashMap<>();
        List<Meter> meters = new ArrayList<>();
        for (ExperimentConfig.Variant v : x.variants()) {
            for (String outcome : USER_OUTCOMES) {
                meters.add(gauge("recoflow.experiment.users", "distinct users per variant and outcome", x, v,
                        outcome, true, values));
            }
            meters.add(gauge("recoflow.experiment.clicks", "clicks of exposed users, at or after their exposure", x, v,
                    RedisKeys.CLICKS, false, values));
            meters.add(gauge("recoflow.experiment.clicks.squared", "sum over users of their clicks squared", x, v,
                    RedisKeys.CLICKS_SQUARED, false, values));
        }
        series = new Series(x.name(), names(x), values, meters);
    }

    /** @param counter the field suffix in the counts hash; also the {@code outcome} tag when {@code tagged} */
    private Meter gauge(String name, String description, ExperimentConfig.Experiment x, ExperimentConfig.Variant v,
            String counter, boolean tagged, Map<String, AtomicLong> values) {
        AtomicLong value = new AtomicLong();
        values.put(RedisKeys.experimentCount(v.name(), counter), value); // held here: gauges keep weak references
        Gauge.Builder<AtomicLong> b = Gauge.builder(name, value, AtomicLong::get)
                .description(description)
                .tag("experiment", x.name())
                .tag("variant", v.name());
        if (tagged) {
            b.tag("outcome", counter);
        }
        return b.register(registry);
    }

    private static long parse(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }

    @Override
    public void destroy() {
        refresher.shutdownNow();
    }
}
