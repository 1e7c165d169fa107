package io.recoflow.operator.controller.model;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.analysis.CanaryAnalysis;
import io.recoflow.operator.analysis.PrometheusAnalysis;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.dependent.Applier;
import io.recoflow.operator.dependent.ServingResources;
import io.recoflow.operator.event.EventRecorder;
import io.recoflow.operator.render.Labels;
import io.recoflow.operator.rollout.Decision;
import io.recoflow.operator.rollout.Health;
import io.recoflow.operator.rollout.PodUpdate;
import io.recoflow.operator.rollout.RolloutMachine;
import io.recoflow.operator.rollout.RolloutPolicy;
import io.recoflow.operator.rollout.RolloutState;
import io.recoflow.operator.rollout.ServingPlan;
import io.recoflow.operator.rollout.Target;
import io.recoflow.operator.rollout.Transition;
import io.recoflow.operator.status.Conditions;
import io.recoflow.operator.status.ModelStatus;
import io.recoflow.operator.status.StatusWriter;
import io.recoflow.operator.validation.SpecValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Sequences observe -> validate -> decide -> act for a RecommendationModel; the work lives in
 * {@link ModelObserver}, {@link SpecValidator}, {@link RolloutMachine}, {@link ServingResources} and
 * {@link ModelStatus}. Writes only status (never spec) and Events.
 */
@ControllerConfiguration(name = RecommendationModelReconciler.NAME)
public class RecommendationModelReconciler implements Reconciler<RecommendationModel> {
    public static final String NAME = "recommendationmodel";

    private final Clock clock;
    private final Settings settings;
    private final CanaryAnalysis analysis;
    private final EventRecorder events;
    private final ServingResources resources;

    public RecommendationModelReconciler(Clock clock, Settings settings, EventRecorder events, Applier applier) {
        this.clock = clock;
        this.settings = settings;
        this.events = events;
        this.resources = new ServingResources(applier);
        this.analysis = settings.prometheusUrl() == null ? CanaryAnalysis.OFF
                : new PrometheusAnalysis(settings.prometheusUrl(), Duration.ofSeconds(5));
    }

    @Override
    public List<EventSource<?, RecommendationModel>> prepareEventSources(
            EventSourceContext<RecommendationModel> context) {
        var deployments = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Deployment.class, RecommendationModel.class)
                        .withName("deployments")
                        .withLabelSelector(Labels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(RecommendationModel.class))
                        .build(),
                context);
        var versions = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ModelVersion.class, RecommendationModel.class)
                        .withName("modelversions")
                        .withSecondaryToPrimaryMapper((ModelVersion mv) -> mv.getSpec() == null
                                || mv.getSpec().modelRef == null ? Set.of()
                                : Set.of(new ResourceID(mv.getSpec().modelRef, mv.getMetadata().getNamespace())))
                        .build(),
                context);
        return List.of(deployments, versions);
    }

    @Override
    public UpdateControl<RecommendationModel> reconcile(RecommendationModel rm, Context<RecommendationModel> ctx) {
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(rm);
        List<String> errors = SpecValidator.validate(rm);
        if (!errors.isEmpty()) {
            boolean news = ModelStatus.invalid(rm, errors, now);
            UpdateControl<RecommendationModel> control = StatusWriter.write(rm, original, ctx);
            if (news) {
                events.warning(rm, "InvalidSpec", String.join("; ", errors));
            }
            return control;
        }
        boolean wasInvalid = Conditions.get(ModelStatus.of(rm).conditions, Conditions.READY)
                .map(c -> "InvalidSpec".equals(c.getReason())).orElse(false);

        Strategy strategy = rolloutStrategy(rm);
        RolloutPolicy policy = RolloutPolicy.of(rm.getSpec().rollout);
        RolloutState state = RolloutState.of(rm.getStatus());
        var deployments = ctx.getSecondaryResources(Deployment.class);
        ServingPlan before = ServingPlan.of(state, strategy);
        Target target = ModelObserver.target(rm, ctx.getSecondaryResources(ModelVersion.class));
        Health active = ModelObserver.health(rm, before.active(), deployments);
        Health idle = ModelObserver.health(rm, before.slot(state.idleSlot()), deployments);

        String ns = rm.getMetadata().getNamespace();
        String name = rm.getMetadata().getName();
        Decision decision = RolloutMachine.decide(state, policy, target, active, idle, now,
                version -> analysis.analyze(ns, name, version, rm.getSpec().slo));
        if (decision.analysis() != null) {
            ModelStatus.analyzed(rm, decision.analysis(), now);
        }

        ServingPlan after = ServingPlan.of(decision.next(), strategy);
        resources.apply(rm, after, deployments);
        Health activeAfter = ModelObserver.health(rm, after.active(), deployments);
        boolean servingPods = ModelObserver.anyAvailable(rm, decision.next().activeSlot(), deployments);
        PodUpdate update = ModelObserver.podUpdate(rm, after.active(), deployments);
        boolean stalled = ModelStatus.reconciled(rm, decision.next(), activeAfter, servingPods, update, now);
        // status first: a failed write retries the reconcile, and its events must not be announced twice
        UpdateControl<RecommendationModel> control = StatusWriter.write(rm, original, ctx);
        if (stalled) {
            events.warning(rm, "UpdateStalled", Conditions.get(rm.getStatus().conditions, Conditions.DEGRADED)
                    .map(c -> c.getMessage()).orElse("Deployment update stalled"));
        }
        if (wasInvalid) {
            events.normal(rm, "SpecValid", "spec is valid again; resuming");
        }
        for (Transition t : decision.transitions()) {
            if (t.warning()) {
                events.warning(rm, t.reason(), t.message());
            } else {
                events.normal(rm, t.reason(), t.message());
            }
        }
        Duration requeue = decision.requeue();
        if (requeue != null) {
            control.rescheduleAfter(min(requeue, settings.maxRequeue()));
        } else if (decision.next().serving() != null && activeAfter != Health.AVAILABLE) {
            // Deployment events wake us, but a timed look keeps "Unavailable" honest if one is missed
            control.rescheduleAfter(settings.maxRequeue());
        }
        return control;
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
