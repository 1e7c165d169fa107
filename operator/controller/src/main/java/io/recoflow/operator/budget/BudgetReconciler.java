package io.recoflow.operator.budget;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus.ActionStatus;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.budget.source.CostException;
import io.recoflow.operator.budget.source.CostQuery;
import io.recoflow.operator.budget.source.CostSource;
import io.recoflow.operator.budget.source.Spend;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.Prometheus;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.core.StatusWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Measures a CloudCostBudget and decides which of its actions are in effect; the affected resources' own
 * controllers apply them ({@link Enforcement}). The cost source is read by a JOSDK
 * {@link PerResourcePollingEventSource} every {@code pollIntervalSeconds}, doubling the wait after each failed read
 * (up to 10x); each read is a secondary resource ({@link Reading}) that wakes this reconcile.
 *
 * <p>Fail-safe: missing or stale data sets {@code WithinBudget=Unknown} and leaves the actions in effect exactly as
 * they were; only fresh data of the current period adds or releases an action. A new period releases everything.
 * Credentials and the webhook URL come from Secrets in the operator's namespace only (its Role there is the only
 * grant on Secrets).
 */
@ControllerConfiguration(name = BudgetReconciler.NAME)
public class BudgetReconciler implements Reconciler<CloudCostBudget> {
    public static final String NAME = "cloudcostbudget";
    static final String BY_SECRET = "bySecret";
    static final String REQUESTS = "sum by (cluster) (increase(recoflow_recommend_request_seconds_count[%ds]))";

    private final Clock clock;
    private final EventRecorder events;
    private final String namespace;
    private final URI prometheus;
    private final Duration pollCap;
    private final Sources sources;
    private final Notifier notifier = new Notifier();
    private final Map<ResourceID, Integer> failures = new ConcurrentHashMap<>();
    private InformerEventSource<Secret, CloudCostBudget> secrets;
    private InformerEventSource<ClusterTarget, CloudCostBudget> targets;

    /**
     * @param namespace the operator's namespace, where budget Secrets are read
     * @param prometheus the operator's Prometheus (request counts for cloudBilling budgets; null: none)
     * @param pollCap upper bound on the poll interval (null: none)
     */
    public BudgetReconciler(Clock clock, EventRecorder events, String namespace, URI prometheus, Duration pollCap,
            Sources sources) {
        this.clock = clock;
        this.events = events;
        this.namespace = namespace;
        this.prometheus = prometheus;
        this.pollCap = pollCap;
        this.sources = sources;
    }

    @Override
    public List<EventSource<?, CloudCostBudget>> prepareEventSources(EventSourceContext<CloudCostBudget> context) {
        var cache = context.getPrimaryCache();
        cache.addIndexer(BY_SECRET, b -> Sources.secretNames(b).stream().toList());
        secrets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Secret.class, CloudCostBudget.class)
                        .withName("budget-secrets")
                        .withNamespaces(Set.of(namespace))
                        .withSecondaryToPrimaryMapper((Secret s) -> cache.byIndex(BY_SECRET, s.getMetadata().getName())
                                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .build(),
                context);
        targets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ClusterTarget.class, CloudCostBudget.class)
                        .withName("budget-clustertargets")
                        .withSecondaryToPrimaryMapper((ClusterTarget t) -> cache.list()
                                .map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .build(),
                context);
        PerResourcePollingEventSource.ResourceFetcher<Reading, CloudCostBudget> fetcher = new PerResourcePollingEventSource
                .ResourceFetcher<>() {
            @Override
            public Set<Reading> fetchResources(CloudCostBudget b) {
                Reading r = read(b);
                ResourceID id = ResourceID.fromResource(b);
                if (r.failed()) {
                    failures.merge(id, 1, Integer::sum);
                } else {
                    failures.remove(id);
                }
                return Set.of(r);
            }

            @Override
            public Optional<Duration> fetchDelay(Set<Reading> last, CloudCostBudget b) {
                int n = failures.getOrDefault(ResourceID.fromResource(b), 0);
                return Optional.of(interval(b).multipliedBy(Math.min(10, 1L << Math.min(n, 4))));
            }
        };
        var polling = new PerResourcePollingEventSource<>(Reading.class, context,
                // the period given here is only the default: fetchDelay says when each budget is read next
                new PerResourcePollingConfigurationBuilder<Reading, CloudCostBudget, String>(fetcher,
                        Duration.ofSeconds(300))
                        .withName("cost-readings")
                        // one reading per budget: the latest replaces the one before
                        .withResourceIDMapper(r -> "reading")
                        .build());
        return List.of(secrets, targets, polling);
    }

    Duration interval(CloudCostBudget b) {
        long s = b.getSpec() == null || b.getSpec().pollIntervalSeconds == null ? 300 : b.getSpec().pollIntervalSeconds;
        Duration d = Duration.ofSeconds(s);
        return pollCap != null && pollCap.compareTo(d) < 0 ? pollCap : d;
    }

    /** One read of the budget's source; never throws (a failure is a Reading with a reason). */
    Reading read(CloudCostBudget b) {
        Instant now = clock.instant();
        if (!BudgetValidator.INSTANCE.validate(b).isEmpty()) {
            return new Reading(null, Reason.InvalidSpec.name(), "the spec is invalid", Map.of(), now);
        }
        try {
            CostQuery q = new CostQuery(Forecast.periodStart(now), now, clouds(b), namespaces(b));
            CostSource source = sources.of(b, this::secret);
            Spend spend;
            try {
                spend = source.monthToDate(q);
            } finally {
                if (source instanceof AutoCloseable c) {
                    close(c);
                }
            }
            long maxAge = b.getSpec().source.maxAgeSeconds == null ? 3600 : b.getSpec().source.maxAgeSeconds;
            if (spend.asOf() != null && spend.asOf().isBefore(now.minusSeconds(maxAge))) {
                return new Reading(null, Reason.CostDataStale.name(), "the newest cost data is from "
                        + spend.asOf() + ", older than source.maxAgeSeconds (" + maxAge + " s)", Map.of(), now);
            }
            return new Reading(spend, null, null, requests(b, q), now);
        } catch (CostException e) {
            return new Reading(null, e.reason(), e.getMessage(), Map.of(), now);
        } catch (RuntimeException e) {
            return new Reading(null, Reason.CostDataUnavailable.name(), e.toString(), Map.of(), now);
        }
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // a client that does not close cleanly holds nothing the next read needs
        }
    }

    /** Recommendations served this period, per cluster label; empty when no Prometheus has them. */
    private Map<String, Double> requests(CloudCostBudget b, CostQuery q) {
        URI url = b.getSpec().source.opencost != null ? URI.create(b.getSpec().source.opencost.prometheusUrl)
                : prometheus;
        if (url == null) {
            return Map.of();
        }
        long seconds = Math.max(60, Duration.between(q.periodStart(), q.now()).toSeconds());
        try {
            Map<String, Double> out = new LinkedHashMap<>();
            sources.prometheus(url, Duration.ofSeconds(10)).vector(String.format(Locale.ROOT, REQUESTS, seconds), "cluster")
                    .forEach((k, v) -> out.put(k.get(0), v));
            return out;
        } catch (Prometheus.QueryException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    private Map<String, String> secret(String name) {
        Secret s = secrets.get(new ResourceID(name, namespace)).orElse(null);
        if (s == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            out.putAll(s.getStringData());
        }
        return out;
    }

    /** ClusterTarget name -> cloud for the scope (every known target when the scope names none). */
    private Map<String, String> clouds(CloudCostBudget b) {
        Map<String, String> out = new LinkedHashMap<>();
        var scope = b.getSpec().scope;
        List<String> wanted = scope == null || scope.clusters == null ? List.of() : scope.clusters;
        targets.list().forEach(t -> {
            if (wanted.isEmpty() || wanted.contains(t.getMetadata().getName())) {
                out.put(t.getMetadata().getName(), t.getSpec() == null || t.getSpec().cloud == null ? ""
                        : t.getSpec().cloud.name().toLowerCase(Locale.ROOT));
            }
        });
        if (wanted.contains(ClusterTarget.LOCAL) || out.isEmpty()) {
            out.put(ClusterTarget.LOCAL, ""); // the hub: no ClusterTarget, no cloud of its own
        }
        return out;
    }

    private static List<String> namespaces(CloudCostBudget b) {
        var scope = b.getSpec().scope;
        return scope == null || scope.namespaces == null ? List.of() : scope.namespaces;
    }

    @Override
    public UpdateControl<CloudCostBudget> reconcile(CloudCostBudget b, Context<CloudCostBudget> ctx) {
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(b);
        CloudCostBudgetStatus s = BudgetStatus.of(b);
        List<Runnable> news = new ArrayList<>();
        List<String> errors = BudgetValidator.INSTANCE.validate(b);
        if (!errors.isEmpty()) {
            String m = String.join("; ", errors);
            if (BudgetStatus.ready(b, false, Reason.InvalidSpec, m, now)) {
                news.add(() -> events.warning(b, Reason.InvalidSpec, m));
            }
            BudgetStatus.unknown(b, Reason.InvalidSpec, "not measured: the spec is invalid", now);
            return done(b, original, ctx, news);
        }
        Instant period = Forecast.periodStart(now);
        if (s.periodStart != null && !s.periodStart.equals(period.toString())) {
            String m = "new period from " + period + ": every action released";
            if (s.actions != null) {
                for (ActionStatus a : s.actions) {
                    news.add(() -> events.normal(b, Reason.NewPeriod, Thresholds.describe(a) + " released: " + m));
                }
            }
            s.actions = null;
            s.action = Thresholds.column(null);
            s.spentUSD = null;
            s.forecastUSD = null;
            s.percentSpent = null;
        }
        s.periodStart = period.toString();
        List<String> unknown = unknownClusters(b);
        boolean wasFailing = Conditions.get(s.conditions, Conditions.READY).map(c -> "False".equals(c.getStatus())
                && !Reason.CostDataUnavailable.name().equals(c.getReason()) || Reason.CostDataUnavailable.name()
                .equals(c.getReason()) && s.checkedAt != null).orElse(false);
        Reading r = ctx.getSecondaryResource(Reading.class).orElse(null);
        if (r == null || r.at().isBefore(period)) {
            BudgetStatus.ready(b, false, Reason.CostDataUnavailable, "waiting for the first read of the period", now);
            BudgetStatus.unknown(b, Reason.CostDataUnavailable, "no cost data yet this period", now);
            s.action = Thresholds.column(s.actions);
            return done(b, original, ctx, news);
        }
        if (r.failed()) {
            Reason reason = reasonOf(r.reason());
            String m = r.error() + "; actions in effect stay as they were (" + Thresholds.column(s.actions) + ")";
            if (BudgetStatus.ready(b, false, reason, m, now)) {
                news.add(() -> events.warning(b, reason, m));
            }
            BudgetStatus.unknown(b, reason, "no fresh cost data: " + r.error(), now);
            s.action = Thresholds.column(s.actions);
            return done(b, original, ctx, news);
        }
        Spend spend = r.spend();
        double limit = b.getSpec().limitUSD;
        Forecast.Result forecast = Forecast.of(spend.totalUSD(), spend.daily(), now);
        s.spentUSD = BudgetStatus.usd(spend.totalUSD());
        s.forecastUSD = BudgetStatus.usd(forecast.usd());
        s.forecastMethod = forecast.method();
        s.percentSpent = limit == 0 ? null : Math.round(spend.totalUSD() / limit * 1000) / 10.0;
        s.byCloud = BudgetStatus.usd(spend.byCloud());
        s.byCluster = BudgetStatus.usd(spend.byCluster());
        s.byNamespace = BudgetStatus.usd(spend.byNamespace());
        double requests = r.totalRequests();
        s.costPer1kRecommendations = requests > 0 ? Math.round(spend.totalUSD() / requests * 1000 * 10000) / 10000.0
                : null;
        s.cheapestCluster = cheapest(spend.byCluster(), r.requests());
        s.checkedAt = r.at().toString();
        s.dataAsOf = spend.asOf() == null ? null : spend.asOf().toString();
        Thresholds.Change change = Thresholds.evaluate(b.getSpec(), spend.totalUSD(), forecast.usd(), s.actions, now);
        s.actions = change.now().isEmpty() ? null : change.now();
        s.action = Thresholds.column(change.now());
        String money = String.format(Locale.ROOT, "spent $%.2f of $%.2f (%.1f%%), forecast $%.2f", spend.totalUSD(),
                limit, limit == 0 ? 0 : 100 * spend.totalUSD() / limit, forecast.usd());
        boolean within = spend.totalUSD() <= limit;
        BudgetStatus.set(b, BudgetStatus.WITHIN, within, within ? Reason.WithinBudget : Reason.OverBudget, money, now);
        boolean forecastOk = forecast.usd() <= limit;
        BudgetStatus.set(b, BudgetStatus.FORECAST, forecastOk,
                forecastOk ? Reason.ForecastWithinBudget : Reason.ForecastOverBudget,
                String.format(Locale.ROOT, "forecast $%.2f of $%.2f (%s)", forecast.usd(), limit, forecast.method()),
                now);
        if (!unknown.isEmpty()) {
            String m = "scope.clusters names unknown ClusterTargets: " + String.join(", ", unknown)
                    + "; measured over the others";
            if (BudgetStatus.ready(b, false, Reason.UnknownClusterTarget, m, now)) {
                news.add(() -> events.warning(b, Reason.UnknownClusterTarget, m));
            }
        } else if (BudgetStatus.ready(b, true, Reason.AsExpected, "measured " + money, now) && wasFailing) {
            news.add(() -> events.normal(b, Reason.AsExpected, "cost data read again: " + money));
        }
        for (ActionStatus a : change.added()) {
            String m = Thresholds.describe(a) + " in effect: " + money;
            news.add(() -> events.warning(b, Reason.ThresholdCrossed, m));
            if (a.action == Action.NOTIFY) {
                news.add(() -> notify(b, "Recoflow budget " + b.getMetadata().getNamespace() + "/"
                        + b.getMetadata().getName() + ": " + m));
            }
        }
        for (ActionStatus a : change.released()) {
            news.add(() -> events.normal(b, Reason.ThresholdReleased, Thresholds.describe(a) + " released: "
                    + money));
        }
        return done(b, original, ctx, news);
    }

    private UpdateControl<CloudCostBudget> done(CloudCostBudget b, String original, Context<CloudCostBudget> ctx,
            List<Runnable> news) {
        UpdateControl<CloudCostBudget> control = StatusWriter.write(b, original, ctx);
        news.forEach(Runnable::run);
        // the period can end between two reads: look again at the next month boundary at the latest
        Duration toEnd = Duration.between(clock.instant(), Forecast.periodEnd(clock.instant()));
        Duration next = toEnd.compareTo(interval(b)) < 0 ? toEnd.plusSeconds(1) : interval(b);
        return control.rescheduleAfter(next);
    }

    private void notify(CloudCostBudget b, String text) {
        var n = b.getSpec().notify;
        Map<String, String> data = secret(n.webhookSecret);
        String key = n.key == null ? "url" : n.key;
        String url = data == null ? null : data.get(key);
        if (url == null) {
            events.warning(b, Reason.NotifyFailed, "webhook Secret " + namespace + "/" + n.webhookSecret
                    + " (key " + key + ") not found");
            return;
        }
        try {
            notifier.post(url, text);
        } catch (java.io.IOException e) {
            events.warning(b, Reason.NotifyFailed, "posting to the webhook failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The cluster with the lowest cost per request; without request counts, the lowest spend. */
    static String cheapest(Map<String, Double> byCluster, Map<String, Double> requests) {
        String best = null;
        double bestCost = Double.MAX_VALUE;
        boolean perRequest = byCluster.keySet().stream().allMatch(c -> requests.getOrDefault(c, 0.0) > 0);
        for (var e : byCluster.entrySet()) {
            double cost = perRequest ? e.getValue() / requests.get(e.getKey()) : e.getValue();
            if (cost < bestCost) {
                bestCost = cost;
                best = e.getKey();
            }
        }
        return best;
    }

    private List<String> unknownClusters(CloudCostBudget b) {
        var scope = b.getSpec().scope;
        if (scope == null || scope.clusters == null) {
            return List.of();
        }
        Set<String> known = targets.list().map(t -> t.getMetadata().getName()).collect(Collectors.toSet());
        return scope.clusters.stream().filter(c -> !ClusterTarget.LOCAL.equals(c) && !known.contains(c)).toList();
    }

    private static Reason reasonOf(String name) {
        try {
            return Reason.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Reason.CostDataUnavailable;
        }
    }
}
