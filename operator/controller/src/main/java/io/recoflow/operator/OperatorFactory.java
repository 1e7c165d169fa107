package io.recoflow.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.controller.model.RecommendationModelReconciler;
import io.recoflow.operator.controller.version.ModelVersionReconciler;
import io.recoflow.operator.dependent.Applier;
import io.recoflow.operator.event.EventRecorder;
import io.recoflow.operator.registry.ModelRegistry;
import java.time.Clock;

/** Builds the Operator with both controllers; used by `run`, `demo` and the tests alike. */
public final class OperatorFactory {
    private OperatorFactory() {}

    public static Operator create(KubernetesClient client, Settings settings, Clock clock, ModelRegistry registry,
            MeterRegistry meters) {
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // No JOSDK write goes through these: status is written by StatusWriter (optimistic-locking
                    // update), owned objects by Applier (create/update), and the reconcilers return noUpdate().
                    // Off so nothing ever sends apply-patch, which the CRUD mock of the demo and tests rejects.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false);
            if (meters != null) {
                o.withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(meters).build());
            }
            if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(settings.leaseNamespace() == null
                        ? new LeaderElectionConfiguration(Settings.LEASE)
                        : new LeaderElectionConfiguration(Settings.LEASE, settings.leaseNamespace()));
            }
        });
        EventRecorder events = new EventRecorder(client, clock);
        operator.register(new RecommendationModelReconciler(clock, settings, events, new Applier(client)));
        operator.register(new ModelVersionReconciler(clock, events, registry));
        return operator;
    }
}
