package io.recoflow.operator.pipeline;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.budget.Budgets;
import io.recoflow.operator.budget.Enforcement;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import io.recoflow.operator.api.pipeline.FeaturePipelineStatus;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.core.StatusWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reconciles a FeaturePipeline: topics (Admin API, or Strimzi KafkaTopics), then the collector, worker and sink
 * with their Services, PodDisruptionBudgets, feature settings and autoscaler, then measures consumer lag (Admin
 * API) and feature freshness (Redis) and derives TopicsReady, WorkersReady, Fresh and Ready. Kafka and Redis are
 * looked at again every {@code interval} (lag and freshness move without any Kubernetes event); while one of them
 * cannot be reached the wait doubles up to 5 minutes, and reconcile never throws for it: the condition carries the
 * client's message and the apps already deployed keep running.
 */
@ControllerConfiguration(name = PipelineReconciler.NAME)
public class PipelineReconciler implements Reconciler<FeaturePipeline>, Cleaner<FeaturePipeline> {
    public static final String NAME = "featurepipeline";
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final List<String> COMPONENTS = List.of(PipelineNames.COLLECTOR, PipelineNames.WORKER, PipelineNames.SINK);

    private final Clock clock;
    private final EventRecorder events;
    private final KafkaTopics kafka;
    private final FeatureStore store;
    private final Duration interval;
    private final Map<ResourceID, Integer> failures = new ConcurrentHashMap<>();
    private Dependent<Deployment, FeaturePipeline> deployments;
    private Dependent<Service, FeaturePipeline> services;
    private Dependent<ConfigMap, FeaturePipeline> configMaps;
    private Dependent<PodDisruptionBudget, FeaturePipeline> pdbs;
    private Dependent<HorizontalPodAutoscaler, FeaturePipeline> hpas;
    private InformerEventSource<CloudCostBudget, FeaturePipeline> budgets;

    /** @param interval how often Kafka and Redis are read again (lag, freshness, topic drift) */
    public PipelineReconciler(Clock clock, EventRecorder events, KafkaTopics kafka, FeatureStore store,
            Duration interval) {
        this.clock = clock;
        this.events = events;
        this.kafka = kafka;
        this.store = store;
        this.interval = interval;
    }

    @Override
    public List<EventSource<?, FeaturePipeline>> prepareEventSources(EventSourceContext<FeaturePipeline> context) {
        deployments = Dependent.of(Deployment.class, FeaturePipeline.class, context, (desired, live) -> {
            var a = desired.getMetadata().getAnnotations();
            if (a != null && a.containsKey(PipelineRenderer.SCALED) && live.getSpec() != null) {
                desired.getSpec().setReplicas(live.getSpec().getReplicas());
            }
            return desired;
        });
        services = Dependent.of(Service.class, FeaturePipeline.class, context, (desired, live) -> {
            desired.getSpec().setClusterIP(live.getSpec().getClusterIP());
            desired.getSpec().setClusterIPs(live.getSpec().getClusterIPs());
            return desired;
        });
        configMaps = Dependent.of(ConfigMap.class, FeaturePipeline.class, context);
        pdbs = Dependent.of(PodDisruptionBudget.class, FeaturePipeline.class, context);
        hpas = Dependent.of(HorizontalPodAutoscaler.class, FeaturePipeline.class, context);
        budgets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(CloudCostBudget.class, FeaturePipeline.class)
                        .withName("pipeline-cloudcostbudgets")
                        // a superset is fine: every pipeline of the namespaces the budget may cover
                        .withSecondaryToPrimaryMapper((CloudCostBudget b) -> Budgets.namespaces(b).stream()
                                .flatMap(ns -> context.getPrimaryCache().list(ns))
                                .map(ResourceID::fromResource).collect(java.util.stream.Collectors.toSet()))
                        .withOnUpdateFilter((now, before) -> !Objects.equals(Budgets.key(now), Budgets.key(before)))
                        .build(),
                context);
        return List.of(deployments.source(), services.source(), configMaps.source(), pdbs.source(), hpas.source(),
                budgets);
    }

    @Override
    public UpdateControl<FeaturePipeline> reconcile(FeaturePipeline fp, Context<FeaturePipeline> ctx) {
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(fp);
        FeaturePipelineStatus s = PipelineStatus.of(fp);
        List<Runnable> news = new ArrayList<>();
        ResourceID id = ResourceID.fromResource(fp);
        List<String> errors = PipelineValidator.INSTANCE.validate(fp);
        if (!errors.isEmpty()) {
            String m = String.join("; ", errors);
            s.phase = PipelineStatus.FAILED;
            if (PipelineStatus.set(fp, "Ready", false, Reason.InvalidSpec, m, now)) {
                news.add(() -> events.warning(fp, Reason.InvalidSpec, m));
            }
            return done(fp, original, ctx, news, interval.multipliedBy(10));
        }
        FeaturePipelineSpec spec = fp.getSpec();
        List<DesiredTopic> desired = DesiredTopic.of(fp);
        boolean unreachable = false;

        // 1. topics
        List<TopicState> topics;
        String kafkaError = null;
        if (spec.kafka.topicManagement == FeaturePipelineSpec.TopicManagement.STRIMZI) {
            topics = strimzi(fp, desired, ctx.getClient());
        } else {
            try {
                topics = kafka.reconcile(spec.kafka.bootstrapServers, desired);
            } catch (KafkaTopics.KafkaException e) {
                kafkaError = e.getMessage();
                topics = null;
            }
        }
        if (topics != null) {
            s.topics = topics.stream().map(PipelineReconciler::topicStatus).toList();
            for (TopicState t : topics) {
                if (t.changes() != null) {
                    news.add(() -> events.normal(fp, reasonOf(t.changes()), "topic " + t.name() + ": " + t.changes()));
                }
            }
            List<TopicState> refused = topics.stream().filter(t -> !t.ready()).toList();
            if (refused.isEmpty()) {
                PipelineStatus.set(fp, PipelineStatus.TOPICS_READY, true, Reason.TopicsReady, topics.size()
                        + " topics as specified", now);
            } else {
                boolean strimzi = spec.kafka.topicManagement == FeaturePipelineSpec.TopicManagement.STRIMZI;
                Reason r = strimzi ? Reason.WaitingForTopicOperator : Reason.TopicRefused;
                String m = String.join("; ", refused.stream().map(t -> t.name() + ": " + t.message()).toList());
                if (PipelineStatus.set(fp, PipelineStatus.TOPICS_READY, false, r, m, now) && !strimzi) {
                    news.add(() -> events.warning(fp, r, m));
                }
            }
        } else {
            unreachable = true;
            String m = "Kafka " + spec.kafka.bootstrapServers + ": " + kafkaError;
            if (PipelineStatus.set(fp, PipelineStatus.TOPICS_READY, false, Reason.KafkaUnreachable, m, now)) {
                news.add(() -> events.warning(fp, Reason.KafkaUnreachable, m));
            }
        }

        // 2. the apps (deployed even while Kafka is away: they retry on their own and come up when it is back)
        int partitions = partitions(topics, desired.get(0));
        // a budget's capReplicas caps the autoscalers as it caps a model's HPA (the pipeline runs in this cluster)
        String budgetBefore = s.budget;
        Enforcement.Effects effects = Enforcement.of(fp, List.of("local"), budgets.list().toList());
        s.budget = effects.maxReplicas() == null ? null : "capReplicas " + effects.maxReplicas() + " (budget "
                + String.join(", ", effects.budgets()) + ")";
        if (s.budget != null && !s.budget.equals(budgetBefore)) {
            news.add(() -> events.warning(fp, Reason.BudgetActionApplied, s.budget));
        } else if (s.budget == null && budgetBefore != null) {
            news.add(() -> events.normal(fp, Reason.BudgetActionReleased, "released: " + budgetBefore));
        }
        apply(fp, ctx.getClient(), partitions, effects.maxReplicas());
        String workers = unavailable(fp, ctx);
        boolean wereReady = "True".equals(PipelineStatus.status(fp, PipelineStatus.WORKERS_READY));
        if (workers == null) {
            PipelineStatus.set(fp, PipelineStatus.WORKERS_READY, true, Reason.WorkersAvailable,
                    "collector, worker" + (spec.sink != null ? " and sink" : "") + " available", now);
        } else if (PipelineStatus.set(fp, PipelineStatus.WORKERS_READY, false, Reason.WorkersUnavailable, workers,
                now) && wereReady) {
            // a warning when they were available and are not any more; coming up the first time is no problem
            news.add(() -> events.warning(fp, Reason.WorkersUnavailable, workers));
        }

        // 3. lag and freshness
        Long total = null;
        if (!unreachable) {
            try {
                Lag lag = kafka.lag(spec.kafka.bootstrapServers, PipelineNames.workerGroup(fp),
                        DesiredTopic.consumed(fp));
                s.lag = new FeaturePipelineStatus.Lag();
                s.lag.total = lag.total();
                s.lag.maxPartition = lag.maxPartition();
                total = lag.total();
                if (spec.sink != null) {
                    Lag sink = kafka.lag(spec.kafka.bootstrapServers, PipelineNames.sinkGroup(fp),
                            DesiredTopic.consumed(fp));
                    s.sink = new FeaturePipelineStatus.SinkStatus();
                    s.sink.lag = sink.total();
                    s.sink.committed = sink.committed();
                }
            } catch (KafkaTopics.KafkaException e) {
                unreachable = true;
                kafkaError = e.getMessage();
            }
        }
        int max = spec.freshness == null || spec.freshness.maxSeconds == null ? 300 : spec.freshness.maxSeconds;
        FreshnessRule.Verdict verdict;
        try {
            Instant newest = store.newestEvent(spec.redis.host, spec.redis.port == null ? 6379 : spec.redis.port,
                    Boolean.TRUE.equals(spec.redis.tls));
            s.freshness = new FeaturePipelineStatus.Freshness();
            s.freshness.newestEvent = newest == null ? null : newest.toString();
            s.freshness.ageSeconds = newest == null ? null : FreshnessRule.age(newest, now);
            verdict = FreshnessRule.judge(total, newest, now, max);
            if (total == null && kafkaError != null) {
                verdict = new FreshnessRule.Verdict(null, Reason.KafkaUnreachable, "consumer lag unknown: "
                        + kafkaError);
            }
        } catch (FeatureStore.StoreException e) {
            unreachable = true;
            verdict = new FreshnessRule.Verdict(null, Reason.RedisUnreachable, e.getMessage());
        }
        FreshnessRule.Verdict v = verdict;
        boolean wasFresh = PipelineStatus.isTrue(fp, PipelineStatus.FRESH);
        if (PipelineStatus.set(fp, PipelineStatus.FRESH, v.fresh(), v.reason(), v.message(), now)) {
            if (Boolean.FALSE.equals(v.fresh()) || v.fresh() == null && v.reason() == Reason.RedisUnreachable) {
                news.add(() -> events.warning(fp, v.reason(), v.message()));
            } else if (Boolean.TRUE.equals(v.fresh()) && !wasFresh) {
                news.add(() -> events.normal(fp, v.reason(), v.message()));
            }
        }

        // 4. the summary
        ready(fp, now);
        if (unreachable) {
            failures.merge(id, 1, Integer::sum);
        } else {
            failures.remove(id);
        }
        return done(fp, original, ctx, news, backoff(id));
    }

    /** Ready is computed from the other three, never set by hand; the phase says which one is not. */
    private static void ready(FeaturePipeline fp, Instant now) {
        FeaturePipelineStatus s = fp.getStatus();
        String first = null;
        for (String type : List.of(PipelineStatus.TOPICS_READY, PipelineStatus.WORKERS_READY, PipelineStatus.FRESH)) {
            if (!PipelineStatus.isTrue(fp, type)) {
                first = type;
                break;
            }
        }
        if (first == null) {
            s.phase = PipelineStatus.RUNNING;
            PipelineStatus.set(fp, "Ready", true, Reason.AsExpected, "topics ready, workers available, features "
                    + "fresh", now);
            return;
        }
        var c = io.recoflow.operator.core.Conditions.get(s.conditions, first).orElseThrow();
        Reason reason = Reason.valueOf(c.getReason());
        s.phase = switch (first) {
            case PipelineStatus.TOPICS_READY -> reason == Reason.KafkaUnreachable ? PipelineStatus.DEGRADED
                    : PipelineStatus.PENDING;
            case PipelineStatus.WORKERS_READY -> PipelineStatus.DEGRADED;
            default -> "False".equals(c.getStatus()) ? PipelineStatus.STALE : PipelineStatus.DEGRADED;
        };
        PipelineStatus.set(fp, "Ready", false, reason, first + ": " + c.getMessage(), now);
    }

    private void apply(FeaturePipeline fp, KubernetesClient client, int partitions, Integer cap) {
        FeaturePipelineSpec spec = fp.getSpec();
        String ns = fp.getMetadata().getNamespace();
        configMaps.apply(fp, PipelineRenderer.features(fp));
        deployments.apply(fp, PipelineRenderer.collector(fp));
        deployments.apply(fp, PipelineRenderer.worker(fp));
        Deployment sink = PipelineRenderer.sink(fp);
        for (String c : COMPONENTS) {
            if (PipelineNames.SINK.equals(c) && sink == null) {
                // the sink's Service stays (the operator never deletes a Service); it selects no pod any more
                deployments.delete(ns, PipelineNames.of(fp, c));
                pdbs.delete(ns, PipelineNames.of(fp, c));
                continue;
            }
            services.apply(fp, PipelineRenderer.service(fp, c));
            pdbs.apply(fp, PipelineRenderer.pdb(fp, c));
        }
        if (sink != null) {
            deployments.apply(fp, sink);
        }
        // the collector: a CPU HPA or none
        var ca = ScalerRenderer.capped(spec.collector == null ? null : spec.collector.autoscaling, cap);
        String collector = PipelineNames.of(fp, PipelineNames.COLLECTOR);
        if (ca != null) {
            hpas.apply(fp, ScalerRenderer.hpa(fp, PipelineNames.COLLECTOR, ca, partitions));
        } else {
            hpas.delete(ns, collector);
        }
        // the worker: KEDA where it is installed, else an HPA; the other one removed
        var wa = ScalerRenderer.capped(spec.worker == null ? null : spec.worker.autoscaling, cap);
        String worker = PipelineNames.of(fp, PipelineNames.WORKER);
        boolean keda = keda(client);
        FeaturePipelineStatus s = fp.getStatus();
        if (wa != null && wa.lag != null && keda) {
            applyGeneric(client, ScalerRenderer.KEDA, ScalerRenderer.scaledObject(fp, wa, partitions));
            hpas.delete(ns, worker);
            s.autoscaler = ScalerRenderer.SCALED_OBJECT;
        } else {
            if (keda) {
                client.genericKubernetesResources(ScalerRenderer.KEDA)
                        .inNamespace(ns).withName(worker).delete();
            }
            if (wa != null) {
                hpas.apply(fp, ScalerRenderer.hpa(fp, PipelineNames.WORKER, wa, partitions));
                s.autoscaler = "HorizontalPodAutoscaler";
            } else {
                hpas.delete(ns, worker);
                s.autoscaler = null;
            }
        }
    }

    /** Whether KEDA's ScaledObject CRD is installed (read each time: KEDA may be installed later). */
    static boolean keda(KubernetesClient client) {
        try {
            return client.apiextensions().v1().customResourceDefinitions().withName(ScalerRenderer.KEDA_CRD)
                    .get() != null;
        } catch (KubernetesClientException e) {
            return false;
        }
    }

    /** Create or update an object of a kind without an informer here (its CRD may be missing), by rendering hash. */
    static void applyGeneric(KubernetesClient client, ResourceDefinitionContext kind,
            GenericKubernetesResource desired) {
        String hash = Dependent.hash(desired);
        Map<String, String> a = new HashMap<>();
        a.put(Dependent.HASH, hash);
        desired.getMetadata().setAnnotations(a);
        var op = client.genericKubernetesResources(kind).inNamespace(desired.getMetadata().getNamespace());
        GenericKubernetesResource live = op.withName(desired.getMetadata().getName()).get();
        if (live == null) {
            op.resource(desired).create();
        } else if (!hash.equals(annotation(live))) {
            desired.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
            op.resource(desired).update();
        }
    }

    private static String annotation(HasMetadata live) {
        var a = live.getMetadata().getAnnotations();
        return a == null ? null : a.get(Dependent.HASH);
    }

    /** strimzi mode: the KafkaTopics applied; their readiness is what the Topic Operator wrote in their status. */
    private List<TopicState> strimzi(FeaturePipeline fp, List<DesiredTopic> desired, KubernetesClient client) {
        List<TopicState> out = new ArrayList<>();
        var op = client.genericKubernetesResources(StrimziRenderer.CONTEXT)
                .inNamespace(fp.getMetadata().getNamespace());
        for (DesiredTopic d : desired) {
            GenericKubernetesResource want = StrimziRenderer.generic(StrimziRenderer.render(fp, d));
            String name = want.getMetadata().getName();
            String hash = Dependent.hash(want);
            want.getMetadata().setAnnotations(new HashMap<>(Map.of(Dependent.HASH, hash)));
            GenericKubernetesResource live = op.withName(name).get();
            String changes = null;
            if (live == null) {
                live = op.resource(want).create();
                changes = "created KafkaTopic " + name;
            } else if (!hash.equals(annotation(live))) {
                want.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
                live = op.resource(want).update();
                changes = "updated KafkaTopic " + name;
            }
            var status = StrimziRenderer.typed(live).getStatus();
            var ready = status == null || status.getConditions() == null ? null : status.getConditions().stream()
                    .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
            boolean ok = ready != null && "True".equals(ready.getStatus());
            String message = ok ? null : ready == null ? "waiting for the Topic Operator (KafkaTopic " + name
                    + " has no Ready condition)" : Objects.requireNonNullElse(ready.getMessage(), ready.getReason());
            out.add(new TopicState(d.name(), ok ? d.partitions() : null, ok, message, changes));
        }
        return out;
    }

    /** Null when every component has its replicas available, else which do not. */
    private String unavailable(FeaturePipeline fp, Context<FeaturePipeline> ctx) {
        List<String> down = new ArrayList<>();
        String ns = fp.getMetadata().getNamespace();
        for (String c : COMPONENTS) {
            if (PipelineNames.SINK.equals(c) && fp.getSpec().sink == null) {
                continue;
            }
            Deployment d = deployments.get(ns, PipelineNames.of(fp, c)).orElse(null);
            int want = d == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            int have = d == null || d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0
                    : d.getStatus().getAvailableReplicas();
            if (have < Math.min(1, want) || d == null) {
                down.add(c + " " + have + "/" + want + " available");
            }
        }
        return down.isEmpty() ? null : String.join(", ", down);
    }

    private static int partitions(List<TopicState> topics, DesiredTopic events) {
        if (topics != null) {
            for (TopicState t : topics) {
                if (t.name().equals(events.name()) && t.partitions() != null) {
                    return t.partitions();
                }
            }
        }
        return events.partitions();
    }

    private static FeaturePipelineStatus.TopicStatus topicStatus(TopicState t) {
        FeaturePipelineStatus.TopicStatus s = new FeaturePipelineStatus.TopicStatus();
        s.name = t.name();
        s.partitions = t.partitions();
        s.ready = t.ready();
        s.message = t.message();
        return s;
    }

    private static Reason reasonOf(String changes) {
        if (changes.startsWith("created")) {
            return Reason.TopicCreated;
        }
        return changes.startsWith("partitions") ? Reason.PartitionsIncreased : Reason.TopicConfigCorrected;
    }

    /** The next look at Kafka and Redis: {@code interval}, doubled per consecutive failure up to 5 minutes. */
    private Duration backoff(ResourceID id) {
        return backoff(interval, failures.getOrDefault(id, 0));
    }

    static Duration backoff(Duration interval, int failures) {
        Duration d = interval.multipliedBy(1L << Math.min(failures, 10));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private UpdateControl<FeaturePipeline> done(FeaturePipeline fp, String original, Context<FeaturePipeline> ctx,
            List<Runnable> news, Duration wait) {
        UpdateControl<FeaturePipeline> control = StatusWriter.write(fp, original, ctx);
        news.forEach(Runnable::run);
        return control.rescheduleAfter(wait);
    }

    /**
     * deletionPolicy retain (default): nothing in Kafka is touched. delete: the topics (admin mode) or the
     * KafkaTopics (strimzi mode; they carry no owner reference, so that retain can keep them) are deleted first;
     * while Kafka cannot be reached, the finalizer stays and the deletion is tried again with backoff.
     */
    @Override
    public DeleteControl cleanup(FeaturePipeline fp, Context<FeaturePipeline> ctx) {
        ResourceID id = ResourceID.fromResource(fp);
        FeaturePipelineSpec spec = fp.getSpec();
        List<DesiredTopic> desired = DesiredTopic.of(fp);
        boolean strimzi = spec.kafka.topicManagement == FeaturePipelineSpec.TopicManagement.STRIMZI;
        if (spec.deletionPolicy != FeaturePipelineSpec.DeletionPolicy.DELETE) {
            events.normal(fp, Reason.TopicsRetained, "deletionPolicy retain: topics "
                    + desired.stream().map(DesiredTopic::name).toList() + " and their data are kept");
            failures.remove(id);
            return DeleteControl.defaultDelete();
        }
        if (strimzi) {
            for (DesiredTopic d : desired) {
                ctx.getClient().genericKubernetesResources(StrimziRenderer.CONTEXT)
                        .inNamespace(fp.getMetadata().getNamespace()).withName(StrimziRenderer.name(fp, d)).delete();
            }
        } else {
            try {
                kafka.delete(spec.kafka.bootstrapServers, desired.stream().map(DesiredTopic::name).toList());
            } catch (KafkaTopics.KafkaException e) {
                failures.merge(id, 1, Integer::sum);
                events.warning(fp, Reason.KafkaUnreachable, "deletionPolicy delete: cannot delete the topics yet: "
                        + e.getMessage());
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(backoff(id));
            }
        }
        events.normal(fp, Reason.TopicsDeleted, "deletionPolicy delete: deleted topics "
                + desired.stream().map(DesiredTopic::name).toList());
        failures.remove(id);
        return DeleteControl.defaultDelete();
    }
}
