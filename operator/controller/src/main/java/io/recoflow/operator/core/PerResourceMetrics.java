package io.recoflow.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * JOSDK's per-resource metrics, plus what their cleanup forgets: JOSDK 5.2.3 removes a deleted resource's counters
 * after the delay, but not its reconcile timer (tagged {@code resource.name}, a histogram of ~70 series), so every
 * model ever deleted would stay in /metrics.
 */
public final class PerResourceMetrics implements Metrics {
    private static final ScheduledExecutorService CLEANER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "metrics-cleanup");
        t.setDaemon(true);
        return t;
    });

    private final Metrics delegate;
    private final MeterRegistry registry;
    private final Duration delay;

    private PerResourceMetrics(Metrics delegate, MeterRegistry registry, Duration delay) {
        this.delegate = delegate;
        this.registry = registry;
        this.delay = delay;
    }

    /** @param delay how long the series of a deleted resource stay */
    public static Metrics of(MeterRegistry registry, Duration delay) {
        return new PerResourceMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
                .withCleanUpDelayInSeconds((int) delay.toSeconds()).build(), registry, delay);
    }

    @Override
    public void cleanupDoneFor(ResourceID id, Map<String, Object> metadata) {
        delegate.cleanupDoneFor(id, metadata);
        String kind = metadata.get(Constants.RESOURCE_GVK_KEY) instanceof GroupVersionKind gvk ? gvk.getKind() : null;
        CLEANER.schedule(() -> removeTimers(id, kind), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void removeTimers(ResourceID id, String kind) {
        for (Meter m : registry.getMeters()) {
            Meter.Id meter = m.getId();
            if (id.getName().equals(meter.getTag("resource.name"))
                    && Objects.equals(id.getNamespace().orElse(null), meter.getTag("resource.namespace"))
                    && (kind == null || kind.equals(meter.getTag("resource.kind")))) {
                registry.remove(m);
            }
        }
    }

    @Override
    public void controllerRegistered(Controller<? extends HasMetadata> controller) {
        delegate.controllerRegistered(controller);
    }

    @Override
    public void receivedEvent(Event event, Map<String, Object> metadata) {
        delegate.receivedEvent(event, metadata);
    }

    @Override
    public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        delegate.reconcileCustomResource(resource, retryInfo, metadata);
    }

    @Override
    public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
        delegate.failedReconciliation(resource, exception, metadata);
    }

    @Override
    public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
        delegate.reconciliationExecutionStarted(resource, metadata);
    }

    @Override
    public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
        delegate.reconciliationExecutionFinished(resource, metadata);
    }

    @Override
    public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
        delegate.finishedReconciliation(resource, metadata);
    }

    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        return delegate.timeControllerExecution(execution);
    }

    @Override
    public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
        return delegate.monitorSizeOf(map, name);
    }
}
