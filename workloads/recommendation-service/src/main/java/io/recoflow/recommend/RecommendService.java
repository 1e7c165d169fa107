package io.recoflow.recommend;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.recoflow.recommend.experiment.Assignment;
import io.recoflow.recommend.experiment.ExperimentRouter;
import io.recoflow.recommend.features.FeatureStore;
import io.recoflow.recommend.features.FeatureStoreUnavailableException;
import io.recoflow.recommend.features.Popularity;
import io.recoflow.recommend.features.UserFeatures;
import io.recoflow.recommend.impression.ImpressionPublisher;
import io.recoflow.recommend.model.LoadedModel;
import io.recoflow.recommend.model.ModelRegistry;
import io.recoflow.recommend.model.Scorer;
import io.recoflow.recommend.model.Scores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Features -> variant -> model -> filter; every failure on the way degrades to the popularity fallback, except the
 * service's own lack of capacity, which throws {@link Overloaded} (the caller answers 503).
 */
@Service
public class RecommendService {
    private static final Logger log = LoggerFactory.getLogger(RecommendService.class);

    private final FeatureStore features;
    private final ModelRegistry models;
    private final Scorer scorer;
    private final Popularity popularity;
    private final ExperimentRouter experiments;
    private final ImpressionPublisher impressions;
    private final MeterRegistry meters;
    /** per model version and result: what a canary analysis compares between the stable and the canary version */
    private final Map<String, Timer> scoring = new ConcurrentHashMap<>();
    private final Map<Fallback, Counter> fallbacks = new EnumMap<>(Fallback.class);
    /** per assignment: {model, fallback} responses, built when the experiment changes, not per request */
    private final Map<Assignment, Counter[]> responses = new ConcurrentHashMap<>();

    public RecommendService(FeatureStore features, ModelRegistry models, Scorer scorer, Popularity popularity,
            ExperimentRouter experiments, ImpressionPublisher impressions, MeterRegistry meters) {
        this.features = features;
        this.models = models;
        this.scorer = scorer;
        this.popularity = popularity;
        this.experiments = experiments;
        this.impressions = impressions;
        this.meters = meters;
        for (Fallback f : Fallback.values()) {
            fallbacks.put(f, Counter.builder("recoflow.recommend.fallback").tag("reason", f.reason())
                    .description("responses answered by the popularity fallback").register(meters));
        }
        experiments.onChange(this::registerResponses);
        registerResponses();
    }

    /**
     * {@code recoflow_recommend_experiment_responses_total{experiment, variant, outcome=model|fallback}}, one count
     * per response of an assigned user: the operator's fallback-rate guardrail divides them. Registered at 0 as
     * soon as the experiment is known, so a variant's first fallback is an increase that rate() sees.
     */
    private void registerResponses() {
        experiments.assignments().forEach(a -> responses.computeIfAbsent(a, this::responseCounters));
    }

    private Counter[] responseCounters(Assignment a) {
        Counter[] c = new Counter[2];
        for (int i = 0; i < 2; i++) {
            c[i] = Counter.builder("recoflow.recommend.experiment.responses")
                    .description("responses to users assigned to an experiment variant, by outcome")
                    .tag("experiment", a.experiment())
                    .tag("variant", a.variant())
                    .tag("outcome", i == 0 ? "model" : "fallback")
                    .register(meters);
        }
        return c;
    }

    private void countResponse(Assignment a, boolean model) {
        if (a == null) {
            return;
        }
        Counter[] c = responses.get(a);
        if (c == null) { // a request that raced a config change
            c = responses.computeIfAbsent(a, this::responseCounters);
        }
        c[model ? 0 : 1].increment();
    }

    public Recommendation recommend(String userId, int k) {
        Assignment a = experiments.assign(userId);
        UserFeatures f;
        try {
            f = features.user(userId);
        } catch (FeatureStoreUnavailableException e) {
            return fallback(userId, k, a, Set.of(), Fallback.REDIS_UNAVAILABLE);
        }
        if (f.isEmpty()) {
            return fallback(userId, k, a, Set.of(), Fallback.UNKNOWN_USER);
        }
        // Who scores: an experiment variant that pins a (loaded) modelVersion wins for its users; everyone else,
        // including variants without a pinned version, follows the serving file's canary split (stable or canary,
        // by a hash of the user independent of the experiment's), and without a serving file the newest version.
        LoadedModel m = models.acquire(userId, a == null ? null : a.modelVersion());
        if (m != null && a != null && a.modelVersion() != null && m.version() != a.modelVersion()) {
            // the variant's version is not loaded (yet): this answer is not the variant's, so it carries no variant
            // and its impression exposes nobody; otherwise the experiment would count another version's results
            a = null;
        }
        if (m == null) {
            return fallback(userId, k, a, f.purchased(), Fallback.NO_MODEL);
        }
        try {
            Set<String> exclude = m.metadata().excludeHistory() ? f.purchased() : Set.of();
            int[] history = history(m, f);
            if (history.length == 0) {
                return fallback(userId, k, a, exclude, Fallback.UNKNOWN_ITEMS);
            }
            // ask for enough extra items that filtering still leaves k
            int want = (int) Math.min(m.itemCount(), (long) k + exclude.size());
            Scores s = scorer.cached(m, history, want);
            long t0 = System.nanoTime();
            String result = "error";
            try {
                if (s != null) {
                    result = null; // not a scoring run: the timers measure runs
                } else {
                    s = scorer.score(m, history, want);
                    result = "ok";
                }
            } catch (TimeoutException e) {
                result = "timeout";
                return fallback(userId, k, a, exclude, Fallback.MODEL_TIMEOUT);
            } catch (RejectedExecutionException e) {
                result = "overload";
                throw new Overloaded(Overloaded.Reason.SCORING_QUEUE, "scoring queue full");
            } catch (ExecutionException e) {
                log.warn("model version {} failed: {}", m.version(), e.getCause() == null ? e : e.getCause().toString());
                return fallback(userId, k, a, exclude, Fallback.MODEL_ERROR);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = "timeout";
                return fallback(userId, k, a, exclude, Fallback.MODEL_TIMEOUT);
            } finally {
                if (result != null) {
                    scoring(m.version(), result).record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                }
            }
            List<Recommendation.Item> items = new ArrayList<>(k);
            int[] idx = s.indices();
            float[] sc = s.scores();
            for (int i = 0; i < idx.length && items.size() < k; i++) {
                String item = m.itemAt(idx[i]);
                if (item != null && !exclude.contains(item)) {
                    items.add(new Recommendation.Item(item, sc[i]));
                }
            }
            Recommendation r = new Recommendation(userId, items, Long.toString(m.version()),
                    a == null ? null : a.experiment(), a == null ? null : a.variant(), null);
            countResponse(a, true);
            impressions.publish(r);
            return r;
        } finally {
            m.release();
        }
    }

    /**
     * {@code recoflow_recommend_scoring_seconds{model_version, result=ok|error|timeout|overload}}: the scoring time
     * and failure rate of each served version, the inputs of the operator's canary analysis.
     */
    private Timer scoring(long version, String result) {
        return scoring.computeIfAbsent(version + "/" + result, key -> Timer.builder("recoflow.recommend.scoring")
                .description("model scoring time (queue wait + run), by model version and result")
                .tag("model_version", Long.toString(version))
                .tag("result", result)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(meters));
    }

    /** An item bought more often than this counts this often: enough to rank it, bounded request size. */
    static final int MAX_COUNT = 20;

    /**
     * Known items of the history, newest first, purchases that fell out of the recent window appended; each item
     * repeated as often as the user bought it (capped at {@link #MAX_COUNT}), the count convention of the trainer's
     * SavedModels (repeat, ALS confidence, hybrid). Item-item models use the distinct items.
     */
    static int[] history(LoadedModel m, UserFeatures f) {
        int[] out = new int[16];
        int n = 0;
        List<String> items = new ArrayList<>(f.recent());
        for (String item : f.purchased()) {
            if (!f.recent().contains(item)) {
                items.add(item);
            }
        }
        for (String item : items) {
            int i = m.indexOf(item);
            if (i < 0) {
                continue;
            }
            int c = Math.min(f.count(item), MAX_COUNT);
            if (n + c > out.length) {
                out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + c));
            }
            for (int r = 0; r < c; r++) {
                out[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private Recommendation fallback(String userId, int k, Assignment a, Set<String> exclude, Fallback why) {
        fallbacks.get(why).increment();
        countResponse(a, false);
        List<String> top = popularity.top();
        List<Recommendation.Item> items = new ArrayList<>(k);
        // rank-based scores: the popularity buckets are not on the model's scale, so only the order is meaningful
        for (int i = 0; i < top.size() && items.size() < k; i++) {
            String item = top.get(i);
            if (!exclude.contains(item)) {
                items.add(new Recommendation.Item(item, 1f / (items.size() + 1)));
            }
        }
        Recommendation r = new Recommendation(userId, items, null,
                a == null ? null : a.experiment(), a == null ? null : a.variant(), why.reason());
        impressions.publish(r);
        return r;
    }
}
