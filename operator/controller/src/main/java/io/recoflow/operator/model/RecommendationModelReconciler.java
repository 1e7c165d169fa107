package io.recoflow.operator.model;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Strategy;
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
public class RecommendationModelReconciler implements Reconciler<RecommendationModel> {
    public static final String NAME = "recommendationmodel";

    private final Clock clock;
    private final Settings settings;
    private final CanaryAnalysis analysis;
    private final EventRecorder events;
    private ServingResources resources;

    public RecommendationModelReconciler(Clock clock, Settings settings, EventRecorder events) {
        this.clock = clock;
        this.settings = settings;
        this.events = events;
        this.analysis = settings.prometheusUrl() == null ? CanaryAnalysis.OFF
                : new PrometheusAnalysis(settings.prometheusUrl(), Duration.ofSeconds(5));
    }

    @Override
    public List<EventSource<?, RecommendationModel>> prepareEventSources(
            EventSourceContext<RecommendationModel> context) {
        resources = new ServingResources(context);
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
        List<EventSource<?, RecommendationModel>> sources = new ArrayList<>(resources.sources());
        sources.add(versions);
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
        RolloutPolicy policy = RolloutPolicy.of(spec.getSpec().rollout);
        RolloutState state = RolloutState.of(rm.getStatus());
        ServingPlan before = ServingPlan.of(state, strategy);
        Target target = ModelObserver.target(rm, ctx.getSecondaryResources(ModelVersion.class));
        Health active = ModelObserver.health(spec, before.active(), resources);
        Health idle = ModelObserver.health(spec, before.slot(state.idleSlot()), resources);

        String ns = rm.getMetadata().getNamespace();
        String name = rm.getMetadata().getName();
        var slo = spec.getSpec().slo;
        Decision decision = RolloutMachine.decide(state, policy, target, active, idle, now,
                version -> analysis.analyze(ns, name, version, slo));
        if (decision.analysis() != null) {
            ModelStatus.analyzed(rm, decision.analysis(), now);
        }

        ServingPlan after = ServingPlan.of(decision.next(), strategy);
        try {
            resources.apply(spec, after);
        } catch (KubernetesClientException e) {
            String message = applyMessage(e);
            boolean news = ModelStatus.applyFailed(rm, message, now);
            StatusWriter.write(rm, original, ctx);
            if (news) {
                events.warning(rm, Reason.ApplyFailed, message);
            }
            throw e; // JOSDK retries with backoff (see OperatorFactory); the rollout state did not advance
        }
        Health activeAfter = ModelObserver.health(spec, after.active(), resources);
        boolean servingPods = ModelObserver.anyAvailable(spec, decision.next().activeSlot(), resources);
        PodUpdate update = ModelObserver.podUpdate(spec, after.active(), resources);
        boolean recovered = Conditions.hasReason(rm.getStatus().conditions, Conditions.READY, Reason.ApplyFailed);
        boolean stalled = ModelStatus.reconciled(spec, decision.next(), activeAfter, servingPods, update,
                errors.isEmpty(), now);
        // status first: a failed write retries the reconcile, and its events must not be announced twice
        UpdateControl<RecommendationModel> control = StatusWriter.write(rm, original, ctx);
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
        for (Transition t : decision.transitions()) {
            Reason reason = Reason.valueOf(t.reason());
            if (t.warning()) {
                events.warning(rm, reason, t.message());
            } else {
                events.normal(rm, reason, t.message());
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
