package io.recoflow.operator.version;

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
import io.recoflow.operator.api.status.ModelVersionStatus;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.version.registry.ModelRegistry;
import io.recoflow.operator.version.registry.RegistryException;
import io.recoflow.operator.version.registry.Resolution;
import io.recoflow.operator.core.StatusWriter;
import io.recoflow.operator.version.VersionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates a ModelVersion, resolves its artifact through the {@link ModelRegistry} (copying metrics into
 * status) and reflects what its RecommendationModel reports (RollingOut, Serving, RolledBack).
 */
@ControllerConfiguration(name = ModelVersionReconciler.NAME)
public class ModelVersionReconciler implements Reconciler<ModelVersion> {
    public static final String NAME = "modelversion";
    static final String BY_MODEL = "byModel";
    private static final Duration RETRY = Duration.ofSeconds(30);

    private final Clock clock;
    private final EventRecorder events;
    private final ModelRegistry registry;

    public ModelVersionReconciler(Clock clock, EventRecorder events, ModelRegistry registry) {
        this.clock = clock;
        this.events = events;
        this.registry = registry;
    }

    @Override
    public List<EventSource<?, ModelVersion>> prepareEventSources(EventSourceContext<ModelVersion> context) {
        context.getPrimaryCache().addIndexer(BY_MODEL, mv -> mv.getSpec() == null || mv.getSpec().modelRef == null
                ? List.of() : List.of(key(mv.getMetadata().getNamespace(), mv.getSpec().modelRef)));
        var models = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(RecommendationModel.class, ModelVersion.class)
                        .withName("recommendationmodels")
                        .withSecondaryToPrimaryMapper((RecommendationModel rm) -> context.getPrimaryCache()
                                .byIndex(BY_MODEL, key(rm.getMetadata().getNamespace(), rm.getMetadata().getName()))
                                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                        // a model's status changes on every reconcile that moves anything; a version only shows
                        // which version serves, rolls out or failed
                        .withOnUpdateFilter((now, before) -> !Objects.equals(VersionStatus.modelKey(now),
                                VersionStatus.modelKey(before)))
                        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<ModelVersion>) mv ->
                                mv.getSpec() == null || mv.getSpec().modelRef == null ? Set.of()
                                        : Set.of(new ResourceID(mv.getSpec().modelRef,
                                                mv.getMetadata().getNamespace())))
                        .build(),
                context);
        return List.of(models);
    }

    @Override
    public UpdateControl<ModelVersion> reconcile(ModelVersion mv, Context<ModelVersion> ctx) {
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(mv);
        List<String> errors = VersionValidator.INSTANCE.validate(mv);
        if (!errors.isEmpty()) {
            String message = String.join("; ", errors);
            VersionPhase before = VersionStatus.of(mv).phase;
            String oldMessage = mv.getStatus().message;
            VersionStatus.failed(mv, Reason.InvalidSpec, message, now);
            UpdateControl<ModelVersion> control = StatusWriter.write(mv, original, ctx);
            if (before != VersionPhase.Failed || !Objects.equals(oldMessage, message)) {
                events.warning(mv, Reason.InvalidSpec, message);
            }
            return control;
        }
        ModelVersionStatus status = VersionStatus.of(mv);
        String uri = status.resolvedUri;
        var metrics = status.metrics;
        String note = status.source;
        String registryVersion = status.registryVersion;
        boolean fresh = uri != null && Objects.equals(status.observedGeneration, mv.getMetadata().getGeneration());
        if (!fresh) {
            try {
                Resolution r = registry.resolve(mv.getSpec());
                uri = r.uri();
                metrics = r.metrics();
                note = r.note();
                registryVersion = r.registryVersion();
            } catch (RegistryException e) {
                Reason reason = Reason.valueOf(e.reason());
                VersionPhase before = e.retryable()
                        ? VersionStatus.validating(mv, reason, e.getMessage(), now)
                        : VersionStatus.failed(mv, reason, e.getMessage(), now);
                UpdateControl<ModelVersion> c = StatusWriter.write(mv, original, ctx);
                if (before != mv.getStatus().phase) {
                    events.warning(mv, reason, e.getMessage());
                }
                return e.retryable() ? c.rescheduleAfter(RETRY) : c;
            }
        }
        RecommendationModel rm = ctx.getSecondaryResource(RecommendationModel.class).orElse(null);
        VersionPhase before = VersionStatus.resolved(mv, uri, metrics, note, rm, now);
        mv.getStatus().registryVersion = registryVersion;
        VersionPhase after = mv.getStatus().phase;
        UpdateControl<ModelVersion> control = StatusWriter.write(mv, original, ctx);
        if (before != after) {
            announce(mv, after);
        }
        return control;
    }

    private void announce(ModelVersion mv, VersionPhase phase) {
        String v = "version " + mv.getSpec().version + " of " + mv.getSpec().modelRef;
        switch (phase) {
            case RolledBack -> events.warning(mv, Reason.RolledBack, mv.getStatus().message);
            case Serving -> events.normal(mv, Reason.Serving, v + " is serving");
            case RollingOut -> events.normal(mv, Reason.RollingOut, v + " is rolling out");
            case Ready -> events.normal(mv, Reason.Ready, v + " is resolved and ready to promote");
            case Archived -> events.normal(mv, Reason.Archived, v + " is archived");
            default -> { }
        }
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
