package io.recoflow.recommend.features;

import io.recoflow.common.Daemon;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.recommend.config.RecommendProperties;
import io.recoflow.recommend.model.LoadedModel;
import io.recoflow.recommend.model.ModelRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The fallback ranking, kept in memory so a fallback never needs Redis: refreshed in the background from the
 * hourly popularity buckets; until Redis has any, the newest model's answer to an empty history stands in (the
 * trainer's graphs return training-set popularity for it).
 */
@Component
public class Popularity {
    private static final Logger log = LoggerFactory.getLogger(Popularity.class);

    private final FeatureStore store;
    private final ModelRegistry models;
    private final RecommendProperties.Popularity cfg;
    private final Clock clock;
    private final ScheduledExecutorService refresher;
    private volatile List<String> fromRedis = List.of();

    public Popularity(FeatureStore store, ModelRegistry models, RecommendProperties props, MeterRegistry meters) {
        this.store = store;
        this.models = models;
        this.cfg = props.getPopularity();
        this.clock = Clock.systemUTC();
        meters.gauge("recoflow.popularity.items", this, p -> p.fromRedis.size());
        this.refresher = Daemon.every("popularity-refresh", java.time.Duration.ZERO, cfg.getRefreshInterval(),
                this::refresh);
    }

    /** Best first. Empty only when Redis never answered and no model is loaded. */
    public List<String> top() {
        List<String> r = fromRedis;
        if (!r.isEmpty()) {
            return r;
        }
        LoadedModel m = models.acquire(null);
        if (m == null) {
            return List.of();
        }
        try {
            List<String> items = m.popular();
            return items.size() > cfg.getSize() ? items.subList(0, cfg.getSize()) : items;
        } finally {
            m.release();
        }
    }

    /** Keeps the last good list when Redis fails, so an outage does not empty the fallback. */
    public void refresh() {
        try {
            long hour = clock.millis() / 3_600_000L;
            List<String> top = store.popular(hour, cfg.getHours(), cfg.getSize());
            if (!top.isEmpty()) {
                fromRedis = top;
            }
        } catch (RuntimeException e) {
            log.debug("popularity refresh failed, keeping {} cached items: {}", fromRedis.size(), e.toString());
        }
    }

    @PreDestroy
    void stop() {
        refresher.shutdownNow();
    }
}
