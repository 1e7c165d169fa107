package io.recoflow.operator.model;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recoflow.common.contract.ExperimentConfig;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.budget.Budgets;
import io.recoflow.operator.budget.Enforcement;
import io.recoflow.operator.experiment.Routing;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ClusterStatus;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.core.StatusWriter;
import io.recoflow.operator.model.analysis.CanaryAnalysis;
import io.recoflow.operator.model.analysis.PrometheusAnalysis;
import io.recoflow.operator.model.rollout.Decision;
import io.recoflow.operator.model.rollout.Health;
import io.recoflow.operator.model.rollout.PodUpdate;
import io.recoflow.operator.model.rollout.RolloutMachine;
import io.recoflow.operator.model.rollout.RolloutPolicy;
import io.recoflow.operator.model.rollout.RolloutState;
import io.recoflow.operator.model.rollout.Sequential;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.pipeline.PipelineStatus;
import io.recoflow.operator.placement.PlacedClusters.Cluster;
import io.recoflow.operator.placement.MemberInformers;
import io.recoflow.operator.placement.Members;
import io.recoflow.operator.placement.Weights;
import io.recoflow.operator.model.rollout.ServingPlan;
import io.recoflow.operator.model.rollout.Target;
import io.recoflow.operator.model.rollout.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Sequences a RecommendationModel's reconcile (the Flink operator's controller flow):
 * <ol>
 *   <li>validate: an invalid spec sets Ready=False and the reconcile carries on with the <em>last valid</em> spec,
 *       so an invalid edit in the middle of a canary does not freeze its deadline, analysis or rollback;</li>
 *   <li>observe ({@link ModelObserver}: production target, health of each slot's Deployment, from caches);</li>
 *   <li>decide ({@link RolloutMachine}, pure);</li>
 *   <li>act ({@link ServingResources}: write only what changed); a failed write lands in Ready=False/ApplyFailed
 *       with the API server's message, and JOSDK retries with backoff, without a limit;</li>
 *   <li>status ({@link ModelStatus}, written once by {@link StatusWriter}), then Events.</li>
 * </ol>
 * Writes only status (never spec) and Events.
 */
@ControllerConfiguration(name = RecommendationModelReconciler.NAME)
public class RecommendationModelReconciler implements Reconciler<RecommendationModel>,
        Cleaner<RecommendationModel> {
    public static final String NAME = "recommendationmodel";

    private final Clock clock;
    private final Settings settings;
    private final CanaryAnalysis analysis;
    private final EventRecorder events;
    private final Members members;
    private ModelPlacement placement;
    private InformerEventSource<CloudCostBudget, RecommendationModel> budgets;

    public RecommendationModelReconciler(Clock clock, Settings settings, EventRecorder events) {
        this(clock, settings, events, null);
    }

    /** @param members the member clusters a placement may name (null: the hub only) */
    public RecommendationModelReconciler(Clock clock, Settings settings, EventRecorder events, Members members) {
        this.clock = clock;
        this.settings = settings;
        this.events = events;
        this.members = members;
        this.analysis = settings.prometheusUrl() == null ? CanaryAnalysis.OFF
                : new PrometheusAnalysis(settings.prometheusUrl(), Duration.ofSeconds(5));
    }

    @Override
    public List<EventSource<?, RecommendationModel>> prepareEventSources(
            EventSourceContext<RecommendationModel> context) {
        ServingResources hub = new ServingResources(context);
        MemberInformers<RecommendationModel> informers = new MemberInformers<>(RecommendationModel.class,
                HasMetadata.getKind(RecommendationModel.class));
        placement = new ModelPlacement(hub, members, informers);
        var versions = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ModelVersion.class, RecommendationModel.class)
                        .withName("modelversions")
                        .withSecondaryToPrimaryMapper((ModelVersion mv) -> mv.getSpec() == null
                                || mv.getSpec().modelRef == null ? Set.of()
                                : Set.of(new ResourceID(mv.getSpec().modelRef, mv.getMetadata().getNamespace())))
                        // a ModelVersion's status moves on every step of its model's rollout (message, phase):
                        // only what changes the production target wakes the model
                        .withOnUpdateFilter((now, before) -> !Objects.equals(ModelObserver.targetKey(now),
                                ModelObserver.targetKey(before)))
                        .build(),
                context);
        var experiments = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ABExperiment.class, RecommendationModel.class)
                        .withName("abexperiments")
                        .withSecondaryToPrimaryMapper((ABExperiment x) -> x.getSpec() == null
                                || x.getSpec().modelRef == null ? Set.of()
                                : Set.of(new ResourceID(x.getSpec().modelRef, x.getMetadata().getNamespace())))
                        // the counts move every look; the model only cares about the split and the decision
                        .withOnUpdateFilter((now, before) -> !Objects.equals(Routing.key(now), Routing.key(before)))
                        .build(),
                context);
        var budgets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(CloudCostBudget.class, RecommendationModel.class)
                        .withName("cloudcostbudgets")
                        // a superset is fine: every model of the namespaces the budget may cover
                        .withSecondaryToPrimaryMapper((CloudCostBudget b) -> Budgets.namespaces(b).stream()
                                .flatMap(ns -> context.getPrimaryCache().list(ns))
                                .map(ResourceID::fromResource).collect(java.util.stream.Collectors.toSet()))
                        .withOnUpdateFilter((now, before) -> !Objects.equals(Budgets.key(now), Budgets.key(before)))
                        .build(),
                context);
        this.budgets = budgets;
        var pipelines = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(FeaturePipeline.class, RecommendationModel.class)
                        .withName("featurepipelines")
                        .withSecondaryToPrimaryMapper((FeaturePipeline fp) -> context.getPrimaryCache()
                                .list(fp.getMetadata().getNamespace(), m -> m.getSpec() != null
                                        && m.getSpec().features != null
                                        && fp.getMetadata().getName().equals(m.getSpec().features.pipelineRef))
                                .map(ResourceID::fromResource).collect(java.util.stream.Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((io.javaoperatorsdk.operator.processing.event.source
                                .PrimaryToSecondaryMapper<RecommendationModel>) m -> m.getSpec() == null
                                || m.getSpec().features == null || m.getSpec().features.pipelineRef == null ? Set.of()
                                : Set.of(new ResourceID(m.getSpec().features.pipelineRef,
                                        m.getMetadata().getNamespace())))
                        // lag and freshness move every look; a model only waits on Fresh
                        .withOnUpdateFilter((now, before) -> PipelineStatus.fresh(now) != PipelineStatus.fresh(before))
                        .build(),
                context);
        List<EventSource<?, RecommendationModel>> sources = new ArrayList<>(hub.sources());
        sources.add(pipelines);
        sources.add(versions);
        sources.add(budgets);
        sources.add(experiments);
        sources.add(informers);
        return sources;
    }

    @Override
    public UpdateControl<RecommendationModel> reconcile(RecommendationModel rm, Context<RecommendationModel> ctx) {
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(rm);
        boolean wasInvalid = ModelStatus.isInvalid(rm);
        List<String> errors = ModelValidator.INSTANCE.validate(rm);
        RecommendationModel spec = rm;
        boolean invalidNews = false;
        if (!errors.isEmpty()) {
            invalidNews = ModelStatus.invalid(rm, errors, now);
            spec = ModelStatus.lastValid(rm);
            if (spec == null) {
                UpdateControl<RecommendationModel> control = StatusWriter.write(rm, original, ctx);
                if (invalidNews) {
                    events.warning(rm, Reason.InvalidSpec, String.join("; ", errors));
                }
                return control;
            }
        } else {
            ModelStatus.valid(rm);
        }

        Strategy strategy = rolloutStrategy(spec);
        RolloutPolicy policy = RolloutPolicy.of(spec.getSpec().rollout, spec.getSpec().slo);
        RolloutState state = RolloutState.of(rm.getStatus());
        List<Cluster<ServingResources>> clusters = placement.clusters(spec);
        // budgets in effect (capReplicas, scaleToMinimum, shiftTraffic) change what is rendered, never the spec
        Enforcement.Effects effects = Enforcement.of(rm, clusters.stream().map(Cluster::name).toList(),
                budgets.list().toList());
        String budgetBefore = rm.getStatus().budget;
        spec = Enforcement.effective(spec, effects, state.rollingOut());
        java.util.Map<String, Integer> configured = new java.util.LinkedHashMap<>();
        clusters.forEach(c -> configured.put(c.name(), c.weight()));
        java.util.Map<String, Integer> shares = Enforcement.shift(configured, effects.shiftTo(),
                effects.floorPercent() == null ? 10 : effects.floorPercent());
        Set<ModelVersion> mvs = ctx.getSecondaryResources(ModelVersion.class);
        Set<ABExperiment> experiments = ctx.getSecondaryResources(ABExperiment.class);
        ABExperiment routed = state.rollingOut() ? null : Routing.active(spec, experiments, mvs).orElse(null);
        List<Long> extra = routed == null ? List.of() : Routing.versions(routed, mvs);
        // cluster by cluster is a canary's: blue-green switches every cluster's Service together
        boolean sequential = spec.getSpec().placement != null && strategy == Strategy.CANARY
                && spec.getSpec().placement.rollout == Placement.Order.SEQUENTIAL;
        Integer at = sequential ? rm.getStatus().rolloutCluster : null;

        // failover first: which clusters take traffic decides whose health the rollout waits for
        List<Weights.Observed> observed = new ArrayList<>();
        for (Cluster<ServingResources> c : clusters) {
            ServingPlan plan = plan(Sequential.forCluster(state, c.index(), at), strategy, extra);
            boolean serving = c.usable() && placement.reachable(c)
                    && ModelObserver.anyAvailable(spec, plan.activeSlot(), c.resources());
            // a cluster still bringing up the first version is not failing; one that served and stopped is
            boolean first = state.serving() == null || state.phase() == ModelPhase.Deploying
                    || state.phase() == ModelPhase.Failed;
            observed.add(new Weights.Observed(c.name(), shares.get(c.name()),
                    serving || (first && placement.reachable(c))));
        }
        Weights.Result weights = Weights.failover(observed, ModelPlacement.before(rm.getStatus().clusters), now,
                Duration.ofSeconds(Placement.failoverSeconds(spec.getSpec().placement)),
                Duration.ofSeconds(Placement.restoreSeconds(spec.getSpec().placement)));

        Target target = Routing.target(spec, experiments, mvs, ModelObserver.target(rm, mvs));
        String held = null;
        Long heldVersion = null;
        if (Routing.holds(spec, experiments) && !state.rollingOut() && state.serving() != null
                && RolloutMachine.startsRollout(state, target)) {
            // a running experiment owns the model's users: the new target waits (see Routing)
            held = "version " + target.version() + " waits: an experiment is running on this model";
            heldVersion = target.version();
            target = new Target(state.serving(), state.servingUri());
        }
        String stale = held == null && !state.rollingOut() && state.serving() != null
                && RolloutMachine.startsRollout(state, target) ? staleFeatures(spec, ctx) : null;
        if (stale != null) {
            // no new version on features that are behind: what serves keeps serving until the pipeline is Fresh
            held = "version " + target.version() + " waits: " + stale;
            target = new Target(state.serving(), state.servingUri());
        }
        ServingPlan before = plan(state, strategy, extra);
        Health active = null;
        Health idle = null;
        for (Cluster<ServingResources> c : clusters) {
            if (!gates(c, weights, at)) {
                continue;
            }
            RecommendationModel scaled = ModelPlacement.scaled(spec, weights, c.name());
            ServingPlan plan = plan(Sequential.forCluster(state, c.index(), at), strategy, extra);
            active = worst(active, c.usable() ? ModelObserver.health(scaled, plan.active(), c.resources())
                    : Health.MISSING);
            idle = worst(idle, c.usable() ? ModelObserver.health(scaled, plan.slot(state.idleSlot()), c.resources())
                    : Health.MISSING);
        }
        active = active == null ? Health.MISSING : active;
        idle = idle == null || before.slot(state.idleSlot()) == null ? Health.MISSING : idle;

        String ns = rm.getMetadata().getNamespace();
        String name = rm.getMetadata().getName();
        var slo = spec.getSpec().slo;
        Decision decision = RolloutMachine.decide(state, policy, target, active, idle, now,
                version -> analysis.analyze(ns, name, version, slo));
        Integer nextAt = null;
        if (sequential) {
            List<String> names = clusters.stream().map(Cluster::name).toList();
            Sequential.Step step = Sequential.next(decision, state, at, clusters.size(), policy, names, now);
            decision = step.decision();
            nextAt = step.cluster();
        }
        if (decision.analysis() != null) {
            ModelStatus.analyzed(rm, decision.analysis(), now);
        }

        Health activeAfter = null;
        boolean servingPods = true;
        PodUpdate update = PodUpdate.NONE;
        List<ClusterStatus> statuses = new ArrayList<>();
        boolean conflict = false;
        if (decision.next().rollingOut()) {
            routed = null; // a rollout starts now (only a report experiment lets one): the split ends first
            extra = List.of();
        }
        ExperimentConfig file = Routing.file(routed, mvs);
        for (Cluster<ServingResources> c : clusters) {
            RecommendationModel scaled = ModelPlacement.scaled(spec, weights, c.name());
            RolloutState mine = Sequential.forCluster(decision.next(), c.index(), nextAt);
            ServingPlan plan = plan(mine, strategy, extra);
            String problem = c.problem();
            if (c.usable() && c.weight() > 0) {
                try {
                    c.resources().apply(scaled, plan, file);
                } catch (KubernetesClientException e) {
                    if (c.local()) {
                        String message = applyMessage(e);
                        boolean news = ModelStatus.applyFailed(rm, message, now);
                        StatusWriter.write(rm, original, ctx);
                        if (news) {
                            events.warning(rm, Reason.ApplyFailed, message);
                        }
                        throw e; // JOSDK retries with backoff (see OperatorFactory); the rollout did not advance
                    }
                    if (e.getCode() == 409) {
                        conflict = true; // someone wrote after our cache saw it; the next reconcile reads again
                    } else {
                        problem = "writing to cluster " + c.name() + " failed: " + applyMessage(e);
                    }
                }
            }
            Health h = c.usable() ? ModelObserver.health(scaled, plan.active(), c.resources()) : Health.MISSING;
            boolean pods = c.usable() && ModelObserver.anyAvailable(scaled, decision.next().activeSlot(),
                    c.resources());
            if (gates(c, weights, nextAt)) {
                activeAfter = worst(activeAfter, h);
                servingPods &= pods;
                if (c.usable()) {
                    PodUpdate u = ModelObserver.podUpdate(scaled, plan.active(), c.resources());
                    update = u == PodUpdate.STALLED || update == PodUpdate.STALLED ? PodUpdate.STALLED
                            : u == PodUpdate.ROLLING ? u : update;
                }
            }
            if (spec.getSpec().placement != null) {
                statuses.add(ModelStatus.cluster(scaled, c, mine, plan, h, pods, weights.of(c.name()),
                        placement.reachable(c), placement.endpoint(rm, c), problem));
            }
        }
        activeAfter = activeAfter == null ? Health.MISSING : activeAfter;
        // the split is served once the pods that load every variant's version are all up
        ModelStatus.experiment(rm, routed != null && activeAfter == Health.AVAILABLE
                ? routed.getMetadata().getName() : null, heldVersion);
        ModelStatus.budget(rm, effects.describe());
        String dnsNote = null;
        try {
            dnsNote = placement.publishDns(spec, statuses);
        } catch (KubernetesClientException e) {
            dnsNote = "writing the DNSEndpoint failed: " + applyMessage(e);
        }
        if (dnsNote != null && !statuses.isEmpty()) {
            statuses.get(0).message = statuses.get(0).message == null ? dnsNote : statuses.get(0).message + "; "
                    + dnsNote;
        }
        java.util.Set<String> leaving = spec.getSpec().placement == null ? java.util.Set.of()
                : removeLeftClusters(rm, clusters);
        boolean left = !leaving.isEmpty();
        boolean recovered = Conditions.hasReason(rm.getStatus().conditions, Conditions.READY, Reason.ApplyFailed);
        boolean stalled = ModelStatus.reconciled(spec, decision.next(), activeAfter, servingPods, update,
                errors.isEmpty(), now);
        List<String[]> failovers = spec.getSpec().placement == null ? List.of()
                : ModelStatus.placed(spec, statuses, leaving, nextAt, errors.isEmpty(), now);
        // status first: a failed write retries the reconcile, and its events must not be announced twice
        UpdateControl<RecommendationModel> control = StatusWriter.write(rm, original, ctx);
        for (String[] f : failovers) {
            if (f[0].equals(Reason.ClusterFailover.name())) {
                events.warning(rm, Reason.ClusterFailover, f[1]);
            } else {
                events.normal(rm, Reason.valueOf(f[0]), f[1]);
            }
        }
        if (invalidNews) {
            events.warning(rm, Reason.InvalidSpec, String.join("; ", errors)
                    + "; still reconciling the last valid spec");
        }
        if (stalled) {
            events.warning(rm, Reason.UpdateStalled, Conditions.get(rm.getStatus().conditions, Conditions.DEGRADED)
                    .map(c -> c.getMessage()).orElse("Deployment update stalled"));
        }
        if (wasInvalid && errors.isEmpty()) {
            events.normal(rm, Reason.SpecValid, "spec is valid again; resuming");
        }
        if (recovered) {
            events.normal(rm, Reason.Applied, "owned objects written again");
        }
        String budgetAfter = rm.getStatus().budget;
        if (budgetAfter != null && !budgetAfter.equals(budgetBefore)) {
            events.warning(rm, Reason.BudgetActionApplied, budgetAfter);
        } else if (budgetAfter == null && budgetBefore != null) {
            events.normal(rm, Reason.BudgetActionReleased, "released: " + budgetBefore);
        }
        if (held != null) {
            events.normal(rm, stale != null ? Reason.WaitingForFreshFeatures : Reason.WaitingForExperiment, held);
        }
        for (Transition t : decision.transitions()) {
            Reason reason = Reason.valueOf(t.reason());
            if (t.warning()) {
                events.warning(rm, reason, t.message());
            } else {
                events.normal(rm, reason, t.message());
            }
        }
        Duration requeue = decision.requeue();
        if (weights.recheck() != null) {
            requeue = requeue == null ? weights.recheck() : min(requeue, weights.recheck());
        }
        boolean waiting = clusters.stream().anyMatch(c -> c.weight() > 0 && !c.usable()) || left || conflict;
        if (requeue != null) {
            control.rescheduleAfter(min(requeue, settings.maxRequeue()));
        } else if ((decision.next().serving() != null && activeAfter != Health.AVAILABLE) || waiting) {
            // Deployment events wake us, but a timed look keeps "Unavailable" honest if one is missed; a member
            // that is not usable yet has no informer to wake us
            control.rescheduleAfter(settings.maxRequeue());
        }
        return control;
    }

    /** The serving plan of a state, with an experiment's versions outside a rollout. */
    private static ServingPlan plan(RolloutState state, Strategy strategy, List<Long> extra) {
        ServingPlan p = ServingPlan.of(state, strategy);
        return state.rollingOut() ? p : p.withVersions(extra);
    }

    /** Why the model's feature pipeline holds a new rollout, or null when it does not (no pipelineRef, Fresh). */
    private static String staleFeatures(RecommendationModel rm, Context<RecommendationModel> ctx) {
        String ref = rm.getSpec().features == null ? null : rm.getSpec().features.pipelineRef;
        if (ref == null) {
            return null;
        }
        FeaturePipeline fp = ctx.getSecondaryResources(FeaturePipeline.class).stream()
                .filter(p -> ref.equals(p.getMetadata().getName())).findFirst().orElse(null);
        if (fp == null) {
            return "FeaturePipeline " + ref + " not found";
        }
        if (PipelineStatus.fresh(fp)) {
            return null;
        }
        // the reason only: the condition's message moves with the age, and every new text would be a new Event
        return "FeaturePipeline " + ref + " is not Fresh (" + io.recoflow.operator.core.Conditions
                .get(fp.getStatus() == null ? null : fp.getStatus().conditions, PipelineStatus.FRESH)
                .map(c -> c.getStatus() + " " + c.getReason()).orElse("not reconciled yet") + ")";
    }

    /**
     * Whether a cluster's health holds the rollout: in parallel, every cluster that takes traffic; in sequential
     * order, the cluster the steps run on.
     */
    private static boolean gates(Cluster<ServingResources> c, Weights.Result weights, Integer at) {
        if (at != null) {
            return c.index() == at;
        }
        Weights.Effective e = weights.of(c.name());
        return c.weight() > 0 && (e == null || e.effective() > 0);
    }

    /** Health of several clusters together (null: none seen yet): available only when all are. */
    private static Health worst(Health a, Health b) {
        if (a == null) {
            return b;
        }
        if (a == Health.MISSING || b == Health.MISSING) {
            return a == Health.AVAILABLE || b == Health.AVAILABLE ? Health.PROGRESSING : Health.MISSING;
        }
        return a == Health.AVAILABLE && b == Health.AVAILABLE ? Health.AVAILABLE : Health.PROGRESSING;
    }

    /**
     * Deletes the objects of clusters that left the placement (or went to weight 0); their status entry stays
     * until that worked.
     *
     * @return the clusters that could not be cleaned yet
     */
    private java.util.Set<String> removeLeftClusters(RecommendationModel rm, List<Cluster<ServingResources>> placed) {
        java.util.Set<String> pending = new java.util.TreeSet<>();
        if (rm.getStatus().clusters == null) {
            return pending;
        }
        for (ClusterStatus old : new ArrayList<>(rm.getStatus().clusters)) {
            boolean kept = placed.stream().anyMatch(c -> c.name().equals(old.name) && c.weight() > 0);
            if (kept || ClusterTarget.LOCAL.equals(old.name)) {
                continue;
            }
            if (!deleteFrom(rm, old.name)) {
                pending.add(old.name);
            }
        }
        return pending;
    }

    /** @return true when the model's objects in member {@code cluster} are gone (false: not reachable yet) */
    private boolean deleteFrom(RecommendationModel rm, String cluster) {
        return placement.deleteIn(cluster, r -> r.deleteAll(rm));
    }

    /** Deletes what the model placed in member clusters; the hub's objects go by owner reference. */
    @Override
    public DeleteControl cleanup(RecommendationModel rm, Context<RecommendationModel> ctx) {
        if (rm.getStatus() == null || rm.getStatus().clusters == null) {
            return DeleteControl.defaultDelete();
        }
        boolean pending = false;
        for (ClusterStatus c : rm.getStatus().clusters) {
            if (ClusterTarget.LOCAL.equals(c.name)) {
                continue;
            }
            pending |= !deleteFrom(rm, c.name);
        }
        // a member that cannot be reached keeps the model (and its finalizer) until it can be cleaned, as
        // Karmada does; the status says which cluster it waits for
        return pending ? DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.maxRequeue())
                : DeleteControl.defaultDelete();
    }

    /** The API server's own words (e.g. "failed to allocate a serviceIP: range is full"), not the client's. */
    static String applyMessage(KubernetesClientException e) {
        var status = e.getStatus();
        String api = status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
        return "writing owned objects failed (HTTP " + e.getCode() + "): " + api + "; retrying with backoff";
    }

    private static Strategy rolloutStrategy(RecommendationModel rm) {
        var r = rm.getSpec().rollout;
        return r == null || r.strategy == null ? Strategy.CANARY : r.strategy;
    }

    private static Duration min(Duration a, Duration b) {
        Duration d = a.compareTo(b) < 0 ? a : b;
        return d.isNegative() || d.isZero() ? Duration.ofMillis(50) : d;
    }
}
