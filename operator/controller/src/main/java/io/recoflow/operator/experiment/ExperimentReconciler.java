package io.recoflow.operator.experiment;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ABExperimentSpec.OnConclusion;
import io.recoflow.operator.api.experiment.ABExperimentStatus;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.budget.Budgets;
import io.recoflow.operator.budget.Enforcement;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.Prometheus;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.core.StatusWriter;
import io.recoflow.operator.experiment.ExperimentJudge.Arm;
import io.recoflow.operator.experiment.ExperimentJudge.Verdict;
import io.recoflow.operator.version.registry.ModelRegistry;
import io.recoflow.operator.version.registry.RegistryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs an ABExperiment: checks its references, waits for its turn on the model (one running experiment per model,
 * none while the model rolls out), hands the split to the model (which renders the experiment file and reports
 * back in {@code status.experiment}), then looks at the counts every {@code checkIntervalSeconds} and decides
 * ({@link ExperimentJudge}). Writes only its own status, Events and, for an MLflow winner with {@code promote},
 * the registry alias {@code champion}.
 */
@ControllerConfiguration(name = ExperimentReconciler.NAME)
public class ExperimentReconciler implements Reconciler<ABExperiment> {
    public static final String NAME = "abexperiment";
    public static final String CHAMPION = "champion";
    static final String BY_MODEL = "byModel";
    static final String BY_VERSION = "byVersion";
    private static final Duration RETRY = Duration.ofSeconds(30);

    private final Clock clock;
    private final EventRecorder events;
    private final ExperimentMetrics metrics;
    private final ModelRegistry registry;
    private final Duration maxRequeue;
    private InformerEventSource<CloudCostBudget, ABExperiment> budgets;

    /**
     * @param prometheus where the counts are; null: experiments wait with Ready=False (MetricsUnavailable)
     * @param maxRequeue the longest wait between looks at the clock (the check interval is on {@code clock})
     */
    public ExperimentReconciler(Clock clock, EventRecorder events, Prometheus prometheus, ModelRegistry registry,
            Duration maxRequeue) {
        this.clock = clock;
        this.maxRequeue = maxRequeue;
        this.events = events;
        this.metrics = prometheus == null ? null : new ExperimentMetrics(prometheus);
        this.registry = registry;
    }

    @Override
    public List<EventSource<?, ABExperiment>> prepareEventSources(EventSourceContext<ABExperiment> context) {
        var cache = context.getPrimaryCache();
        cache.addIndexer(BY_MODEL, x -> x.getSpec() == null || x.getSpec().modelRef == null ? List.of()
                : List.of(key(x.getMetadata().getNamespace(), x.getSpec().modelRef)));
        cache.addIndexer(BY_VERSION, x -> x.getSpec() == null || x.getSpec().variants == null ? List.of()
                : x.getSpec().variants.stream().filter(v -> v.modelVersion != null)
                        .map(v -> key(x.getMetadata().getNamespace(), v.modelVersion)).toList());
        var models = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(RecommendationModel.class, ABExperiment.class)
                        .withName("recommendationmodels")
                        .withSecondaryToPrimaryMapper((RecommendationModel rm) -> ids(cache.byIndex(BY_MODEL,
                                key(rm.getMetadata().getNamespace(), rm.getMetadata().getName()))))
                        // only what the experiment waits for: the model's rollout and which split it serves
                        .withOnUpdateFilter((now, before) -> !Objects.equals(modelKey(now), modelKey(before)))
                        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<ABExperiment>) x ->
                                x.getSpec() == null || x.getSpec().modelRef == null ? Set.of()
                                        : Set.of(new ResourceID(x.getSpec().modelRef, x.getMetadata().getNamespace())))
                        .build(),
                context);
        var versions = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ModelVersion.class, ABExperiment.class)
                        .withName("modelversions")
                        .withSecondaryToPrimaryMapper((ModelVersion mv) -> ids(cache.byIndex(BY_VERSION,
                                key(mv.getMetadata().getNamespace(), mv.getMetadata().getName()))))
                        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<ABExperiment>) x ->
                                x.getSpec() == null || x.getSpec().variants == null ? Set.of()
                                        : x.getSpec().variants.stream().filter(v -> v.modelVersion != null)
                                                .map(v -> new ResourceID(v.modelVersion, x.getMetadata().getNamespace()))
                                                .collect(Collectors.toSet()))
                        .build(),
                context);
        var budgets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(CloudCostBudget.class, ABExperiment.class)
                        .withName("cloudcostbudgets")
                        .withSecondaryToPrimaryMapper((CloudCostBudget b) -> Budgets.namespaces(b).stream()
                                .flatMap(ns -> cache.list(ns)).map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withOnUpdateFilter((now, before) -> !Objects.equals(Budgets.key(now), Budgets.key(before)))
                        .build(),
                context);
        this.budgets = budgets;
        return List.of(models, versions, budgets);
    }

    @Override
    public UpdateControl<ABExperiment> reconcile(ABExperiment x, Context<ABExperiment> ctx) {
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(x);
        ABExperimentStatus s = ExperimentStatus.of(x);
        List<Runnable> news = new ArrayList<>();
        Duration requeue = interval(x);

        List<String> errors = ExperimentValidator.INSTANCE.validate(x);
        RecommendationModel rm = ctx.getSecondaryResource(RecommendationModel.class).orElse(null);
        Map<String, ModelVersion> mvs = new LinkedHashMap<>();
        ctx.getSecondaryResources(ModelVersion.class).forEach(mv -> mvs.put(mv.getMetadata().getName(), mv));
        String[] problem = !errors.isEmpty() ? new String[] {Reason.InvalidSpec.name(), String.join("; ", errors)}
                : references(x, rm, mvs);

        if (s.phase.done()) {
            finish(x, rm, mvs, now, news);
        } else if (problem != null) {
            Reason reason = Reason.valueOf(problem[0]);
            if (ExperimentStatus.ready(x, false, reason, problem[1], now)) {
                news.add(() -> events.warning(x, reason, problem[1]));
            }
        } else {
            requeue = advance(x, rm, mvs, ctx, now, news);
        }
        UpdateControl<ABExperiment> control = StatusWriter.write(x, original, ctx);
        news.forEach(Runnable::run);
        if (!s.phase.done()) {
            control.rescheduleAfter(min(requeue, maxRequeue));
        } else if (Conditions.hasReason(s.conditions, ExperimentStatus.PROMOTED, Reason.RegistryUnavailable)) {
            control.rescheduleAfter(min(RETRY, maxRequeue));
        }
        return control;
    }

    /** Pending -> Running once it is this experiment's turn; Running: a look when one is due. */
    private Duration advance(ABExperiment x, RecommendationModel rm, Map<String, ModelVersion> mvs,
            Context<ABExperiment> ctx, Instant now, List<Runnable> news) {
        ABExperimentStatus s = x.getStatus();
        String name = x.getMetadata().getName();
        Duration every = interval(x);
        Enforcement.Effects effects = Enforcement.of(x, List.of(), budgets.list().toList());
        if (effects.pauseExperiments()) {
            // over budget: nothing new starts, a running split stays as it is and nothing is decided or rolled out
            String m = (s.phase == ExperimentPhase.Pending ? "not started" : "split held, no decision")
                    + ": " + effects.describe();
            if (ExperimentStatus.ready(x, true, Reason.BudgetPaused, m, now)) {
                news.add(() -> events.warning(x, Reason.BudgetPaused, m));
            }
            return every;
        }
        if (s.phase == ExperimentPhase.Pending) {
            ABExperiment other = ctx.getPrimaryCache().byIndex(BY_MODEL,
                    key(x.getMetadata().getNamespace(), x.getSpec().modelRef)).stream()
                    .filter(o -> !o.getMetadata().getName().equals(name) && Routing.routes(o)).findFirst()
                    .orElse(null);
            if (other != null) {
                String m = "model " + rm.getMetadata().getName() + " already runs experiment "
                        + other.getMetadata().getName() + "; one experiment per model: this one waits until that "
                        + "one ends";
                if (ExperimentStatus.ready(x, false, Reason.ExperimentConflict, m, now)) {
                    news.add(() -> events.warning(x, Reason.ExperimentConflict, m));
                }
                return every;
            }
            var st = rm.getStatus();
            if (st == null || st.servingVersion == null) {
                String m = "model " + rm.getMetadata().getName() + " serves no version yet";
                ExperimentStatus.ready(x, true, Reason.ModelNotServing, m, now);
                return every;
            }
            if (st.candidateVersion != null || st.heldVersion != null) {
                String m = "model " + rm.getMetadata().getName() + " is rolling out version "
                        + (st.candidateVersion != null ? st.candidateVersion : st.heldVersion)
                        + "; the experiment starts when that rollout ends";
                if (ExperimentStatus.ready(x, true, Reason.WaitingForRollout, m, now)) {
                    news.add(() -> events.normal(x, Reason.WaitingForRollout, m));
                }
                return every;
            }
            ExperimentStatus.phase(x, ExperimentPhase.Running);
        }
        boolean serving = name.equals(rm.getStatus() == null ? null : rm.getStatus().experiment);
        if (s.startedAt == null) {
            if (!serving) {
                String m = "waiting for model " + rm.getMetadata().getName() + " to load "
                        + Routing.versions(x, mvs.values()) + " and serve the split";
                ExperimentStatus.ready(x, true, Reason.WaitingForSplit, m, now);
                ExperimentStatus.routing(x, false, Reason.WaitingForSplit, m, now);
                return every;
            }
            ExperimentStatus.started(x, now);
            String m = "model " + rm.getMetadata().getName() + " serves the split " + split(x.getSpec());
            ExperimentStatus.routing(x, true, Reason.ExperimentStarted, m, now);
            news.add(() -> events.normal(x, Reason.ExperimentStarted, m));
        } else if (!serving) {
            ExperimentStatus.routing(x, false, Reason.WaitingForSplit, "model " + rm.getMetadata().getName()
                    + " does not serve the split at the moment", now);
        } else {
            ExperimentStatus.routing(x, true, Reason.ExperimentStarted, "model " + rm.getMetadata().getName()
                    + " serves the split " + split(x.getSpec()), now);
        }
        if (metrics == null) {
            String m = "the operator has no Prometheus (RECOFLOW_PROMETHEUS_URL): nothing is counted or decided";
            if (ExperimentStatus.ready(x, false, Reason.MetricsUnavailable, m, now)) {
                news.add(() -> events.warning(x, Reason.MetricsUnavailable, m));
            }
            return every;
        }
        Instant checked = s.checkedAt == null ? null : Instant.parse(s.checkedAt);
        if (checked != null && now.isBefore(checked.plus(every))) {
            return Duration.between(now, checked.plus(every));
        }
        look(x, mvs, now, news);
        return every;
    }

    private void look(ABExperiment x, Map<String, ModelVersion> mvs, Instant now, List<Runnable> news) {
        ABExperimentSpec spec = x.getSpec();
        List<Arm> arms = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (ABExperimentSpec.Variant v : spec.variants) {
            arms.add(new Arm(v.name, v.isControl(), v.weight, mvs.get(v.modelVersion).getSpec().version));
            names.put(v.name, v.modelVersion);
        }
        Map<String, Counts> counts;
        Map<String, Counts.Health> health;
        try {
            counts = metrics.counts(x.key(), arms);
            health = metrics.health(x.key(), arms, spec.guardrails);
        } catch (Prometheus.QueryException e) {
            String m = "reading the counts failed: " + e.getMessage() + "; nothing is decided until they can be read";
            if (ExperimentStatus.ready(x, false, Reason.MetricsUnavailable, m, now)) {
                news.add(() -> events.warning(x, Reason.MetricsUnavailable, m));
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Instant started = Instant.parse(x.getStatus().startedAt);
        Verdict v = ExperimentJudge.judge(spec, arms, counts, health, Duration.between(started, now),
                ExperimentStatus.previousP(x));
        ExperimentStatus.looked(x, v, names, now);
        boolean bad = v.phase() == ExperimentPhase.Stopped || v.phase() == ExperimentPhase.SampleRatioMismatch;
        boolean changed = ExperimentStatus.ready(x, !bad, v.reason(), v.message(), now);
        if (!v.phase().done()) {
            if (changed && v.reason() != Reason.ExperimentRunning) {
                news.add(() -> events.normal(x, v.reason(), v.message()));
            }
            return;
        }
        if (bad) {
            news.add(() -> events.warning(x, v.reason(), v.message() + "; the split ended, the model serves its "
                    + "production version to everyone"));
        } else {
            news.add(() -> events.normal(x, v.reason(), v.message()));
        }
    }

    /**
     * After the decision: with {@code promote} and a treatment winning, the model takes the winner as its target
     * (see {@link Routing#target}) and an MLflow winner's alias {@code champion} moves; said once, as an Event
     * that names the ModelVersion Git should promote so that the repository catches up.
     */
    private void finish(ABExperiment x, RecommendationModel rm, Map<String, ModelVersion> mvs, Instant now,
            List<Runnable> news) {
        ABExperimentStatus s = x.getStatus();
        String routing = ended(x) ? "the split ended" : "the split keeps running (onConclusion: report)";
        ExperimentStatus.routing(x, !ended(x), Reason.SplitEnded, routing, now);
        if (s.phase != ExperimentPhase.Concluded || x.getSpec().onConclusion != OnConclusion.PROMOTE
                || s.winner == null) {
            return;
        }
        ABExperimentSpec.Variant winner = x.getSpec().variants.stream().filter(v -> v.name.equals(s.winner))
                .findFirst().orElse(null);
        if (winner == null || winner.isControl()) {
            ExperimentStatus.promoted(x, false, Reason.ExperimentConcluded, "control won: nothing to promote", now);
            return;
        }
        ModelVersion mv = mvs.get(winner.modelVersion);
        if (Conditions.isTrue(s.conditions, ExperimentStatus.PROMOTED) || mv == null) {
            return;
        }
        String what = "winner " + winner.name + " (ModelVersion " + winner.modelVersion + ", version "
                + mv.getSpec().version + ")";
        String alias = "";
        if (mv.getSpec().artifact != null && mv.getSpec().artifact.mlflow != null) {
            String registered = mv.getSpec().artifact.mlflow.registeredModel;
            String registryVersion = mv.getStatus() == null ? null : mv.getStatus().registryVersion;
            try {
                registry.setAlias(mv.getSpec(), registryVersion, CHAMPION);
                String m = "MLflow " + registered + " alias " + CHAMPION + " now points at version " + registryVersion;
                news.add(() -> events.normal(x, Reason.ChampionAliasMoved, m));
                alias = "; " + m;
            } catch (RegistryException e) {
                Reason reason = Reason.valueOf(e.reason());
                String m = "moving MLflow " + registered + " alias " + CHAMPION + " to " + what + " failed: "
                        + e.getMessage();
                if (e.retryable()) {
                    if (ExperimentStatus.promoted(x, false, reason, m + "; retrying", now)) {
                        news.add(() -> events.warning(x, reason, m + "; retrying"));
                    }
                    return;
                }
                news.add(() -> events.warning(x, reason, m));
                alias = "; " + m;
            }
        }
        String model = rm == null ? x.getSpec().modelRef : rm.getMetadata().getName();
        String m = what + " is now the target of model " + model + " (through status; no spec was written). "
                + "To make Git agree, set spec.stage: production on ModelVersion " + winner.modelVersion
                + " and move the others off production";
        ExperimentStatus.promoted(x, true, Reason.ExperimentPromoted, m + alias, now);
        news.add(() -> events.normal(x, Reason.ExperimentPromoted, m));
        if (rm != null) {
            news.add(() -> events.normal(rm, Reason.ExperimentPromoted, "experiment " + x.getMetadata().getName()
                    + ": " + m));
        }
    }

    /** The reason and message of a reference that does not hold, or null. */
    static String[] references(ABExperiment x, RecommendationModel rm, Map<String, ModelVersion> mvs) {
        String model = x.getSpec().modelRef;
        if (rm == null) {
            return new String[] {Reason.ModelNotFound.name(), "RecommendationModel " + model + " not found"};
        }
        for (ABExperimentSpec.Variant v : x.getSpec().variants) {
            ModelVersion mv = mvs.get(v.modelVersion);
            if (mv == null) {
                return new String[] {Reason.UnknownModelVersion.name(), "variant " + v.name + ": ModelVersion "
                        + v.modelVersion + " not found"};
            }
            if (mv.getSpec() == null || !model.equals(mv.getSpec().modelRef)) {
                return new String[] {Reason.ForeignModelVersion.name(), "variant " + v.name + ": ModelVersion "
                        + v.modelVersion + " belongs to model " + (mv.getSpec() == null ? null : mv.getSpec().modelRef)
                        + ", not " + model};
            }
            if (!Routing.ready(rm, mv)) {
                return new String[] {Reason.VersionNotReady.name(), "variant " + v.name + ": ModelVersion "
                        + v.modelVersion + " is not resolved"
                        + (mv.getStatus() == null || mv.getStatus().phase == null ? "" : " (" + mv.getStatus().phase + ")")};
            }
        }
        return null;
    }

    static boolean ended(ABExperiment x) {
        return x.getStatus().phase != ExperimentPhase.Concluded || x.getSpec().onConclusion != OnConclusion.REPORT;
    }

    static String split(ABExperimentSpec spec) {
        return spec.variants.stream().map(v -> v.name + " " + v.weight + "%").collect(Collectors.joining(" / "));
    }

    static Duration interval(ABExperiment x) {
        var a = x.getSpec() == null ? null : x.getSpec().analysis;
        long s = a == null || a.checkIntervalSeconds == null ? ABExperimentSpec.Analysis.DEFAULT_CHECK_SECONDS
                : a.checkIntervalSeconds;
        return Duration.ofSeconds(s);
    }

    private static Duration min(Duration a, Duration b) {
        Duration d = a.compareTo(b) < 0 ? a : b;
        return d.isNegative() || d.isZero() ? Duration.ofMillis(50) : d;
    }

    /** What of a RecommendationModel an experiment waits on. */
    static List<Object> modelKey(RecommendationModel rm) {
        var st = rm.getStatus();
        return Arrays.asList(st == null ? null : st.servingVersion, st == null ? null : st.candidateVersion,
                st == null ? null : st.experiment, st == null ? null : st.heldVersion);
    }

    private static Set<ResourceID> ids(List<ABExperiment> xs) {
        return xs.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
