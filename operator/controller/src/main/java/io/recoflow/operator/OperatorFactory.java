package io.recoflow.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.PerResourceMetrics;
import io.recoflow.operator.budget.BudgetReconciler;
import io.recoflow.operator.budget.Sources;
import io.recoflow.operator.experiment.ExperimentReconciler;
import io.recoflow.operator.training.TrainingReconciler;
import io.recoflow.operator.training.Triggers;
import io.recoflow.operator.core.Prometheus;
import io.recoflow.operator.model.RecommendationModelReconciler;
import io.recoflow.operator.pipeline.FeatureStore;
import io.recoflow.operator.pipeline.KafkaTopics;
import io.recoflow.operator.pipeline.PipelineReconciler;
import io.recoflow.operator.placement.ClusterTargetReconciler;
import io.recoflow.operator.placement.MemberClients;
import io.recoflow.operator.version.ModelVersionReconciler;
import io.recoflow.operator.version.registry.ModelRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Operator with every controller; used by `run`, the demo and the tests alike. A new kind registers
 * here and nowhere else outside its own package.
 */
public final class OperatorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorFactory.class);

    private OperatorFactory() {}

    /**
     * Retries a failed reconcile (an owned object the API server refused, a status conflict) with exponential
     * backoff from {@code first} (1 s in production) up to 5 min, without a limit: JOSDK's default gives up after
     * a few attempts, which left resources stuck with a stale status.
     */
    public static GenericRetry retry(Duration first) {
        return new GenericRetry().setInitialInterval(first.toMillis()).setIntervalMultiplier(2)
                .setMaxInterval(300_000).withoutMaxAttempts();
    }

    /**
     * @param onLostLease what to do when the lease is lost while running (not on shutdown): the process must end so
     *     that two replicas never reconcile at once; null: end the JVM with status 1
     */
    public static Operator create(KubernetesClient client, Settings settings, Clock clock, ModelRegistry registry,
            MeterRegistry meters, Runnable onLostLease) {
        return create(client, settings, clock, registry, meters, onLostLease, new MemberClients(client));
    }

    /**
     * @param members the member clusters' clients: kept by the ClusterTarget controller, read by every kind that
     *     places objects in members; closed when the returned operator stops (pass one to read it in a test)
     */
    public static Operator create(KubernetesClient client, Settings settings, Clock clock, ModelRegistry registry,
            MeterRegistry meters, Runnable onLostLease, MemberClients members) {
        return create(client, settings, clock, registry, meters, onLostLease, members, new Sources());
    }

    /** @param sources where budgets read their spend (the demo simulates one; everything else uses {@link Sources}) */
    public static Operator create(KubernetesClient client, Settings settings, Clock clock, ModelRegistry registry,
            MeterRegistry meters, Runnable onLostLease, MemberClients members, Sources sources) {
        KafkaTopics kafka = new KafkaTopics();
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // No JOSDK write goes through these: status is written by StatusWriter (optimistic-locking
                    // update), owned objects by Dependent (create/update), and the reconcilers return noUpdate().
                    // Off so nothing ever sends apply-patch, which the CRUD mock of the demo and tests rejects.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false);
            if (meters != null) {
                o.withMetrics(settings.perResourceMetrics()
                        ? PerResourceMetrics.of(meters, settings.metricsCleanupDelay())
                        : MicrometerMetrics.withoutPerResourceMetrics(meters));
            }
            if (settings.leaderElection()) {
                var le = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(Settings.LEASE)
                        // JOSDK's own exit runs System.exit inside the JVM shutdown hook that stops leading on
                        // SIGTERM, and blocks there forever; the callback below ends the process only when the
                        // lease is lost while running
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(new LeaderCallbacks(() -> LOG.info("started leading"),
                                () -> lostLease(onLostLease), leader -> LOG.info("leader is {}", leader)));
                if (settings.leaseNamespace() != null) {
                    le.withLeaseNamespace(settings.leaseNamespace());
                }
                o.withLeaderElectionConfiguration(le.build());
            }
        }) {
            @Override
            public void stop() {
                try {
                    super.stop();
                } finally {
                    members.close();
                    kafka.close();
                }
            }
        };
        EventRecorder events = new EventRecorder(client, clock);
        operator.register(new RecommendationModelReconciler(clock, settings, events, members),
                c -> c.withRetry(retry(settings.retryInterval())));
        operator.register(new ModelVersionReconciler(clock, events, registry),
                c -> c.withRetry(retry(settings.retryInterval())));
        operator.register(new ClusterTargetReconciler(clock, events, members, namespace(client, settings),
                settings.probeInterval()), c -> c.withRetry(retry(settings.retryInterval())));
        Prometheus prometheus = settings.prometheusUrl() == null ? null
                : new Prometheus(settings.prometheusUrl(), Duration.ofSeconds(5));
        operator.register(new BudgetReconciler(clock, events, namespace(client, settings), settings.prometheusUrl(),
                settings.costPollCap(), sources), c -> c.withRetry(retry(settings.retryInterval())));
        operator.register(new TrainingReconciler(clock, events, new Triggers(settings.prometheusUrl()),
                settings.maxRequeue()), c -> c.withRetry(retry(settings.retryInterval())));
        operator.register(new ExperimentReconciler(clock, events, prometheus, registry, settings.maxRequeue()),
                c -> c.withRetry(retry(settings.retryInterval())));
        operator.register(new PipelineReconciler(clock, events, kafka, new FeatureStore(), settings.maxRequeue(),
                members),
                c -> c.withRetry(retry(settings.retryInterval())));
        return operator;
    }

    public static Operator create(KubernetesClient client, Settings settings, Clock clock, ModelRegistry registry,
            MeterRegistry meters) {
        return create(client, settings, clock, registry, meters, null);
    }

    /** The operator's own namespace: where it reads kubeconfig Secrets. */
    static String namespace(KubernetesClient client, Settings settings) {
        if (settings.namespace() != null) {
            return settings.namespace();
        }
        String ns = client.getNamespace();
        return ns == null || ns.isBlank() ? Settings.DEPLOY_NAMESPACE : ns;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean STOPPING =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Called by the shutdown hook before the operator stops, so that giving up the lease is not "lost". */
    public static void stopping() {
        STOPPING.set(true);
    }

    private static void lostLease(Runnable onLostLease) {
        if (STOPPING.get()) {
            LOG.info("stopped leading (shutting down)");
            return;
        }
        LOG.error("lost the leader lease; exiting so another replica takes over");
        if (onLostLease != null) {
            onLostLease.run();
        } else {
            // not from this thread: System.exit waits for shutdown hooks, and the hook stops leader election
            new Thread(() -> System.exit(1), "exit-on-lost-lease").start();
        }
    }
}
