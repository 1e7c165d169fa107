package io.recoflow.operator.pipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.placement.MemberInformers;
import io.recoflow.operator.placement.Members;
import io.recoflow.operator.placement.PlacedClusters;
import io.recoflow.operator.placement.PlacedClusters.Cluster;
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
 * with their Services, PodDisruptionBudgets, feature settings and autoscaler ({@link PipelineResources}, in the hub
 * or in every cluster of {@code spec.placement} with weight > 0; the topics once), then measures consumer lag (Admin
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
    private final Members members;
    private PlacedClusters<FeaturePipeline, PipelineResources> placement;
    private InformerEventSource<CloudCostBudget, FeaturePipeline> budgets;

    /** @param interval how often Kafka and Redis are read again (lag, freshness, topic drift) */
    public PipelineReconciler(Clock clock, EventRecorder events, KafkaTopics kafka, FeatureStore store,
            Duration interval) {
        this(clock, events, kafka, store, interval, null);
    }

    /** @param members the member clusters a placement may name (null: the hub only) */
    public PipelineReconciler(Clock clock, EventRecorder events, KafkaTopics kafka, FeatureStore store,
            Duration interval, Members members) {
        this.members = members;
        this.clock = clock;
        this.events = events;
        this.kafka = kafka;
        this.store = store;
        this.interval = interval;
    }

    @Override
    public List<EventSource<?, FeaturePipeline>> prepareEventSources(EventSourceContext<FeaturePipeline> context) {
        PipelineResources hub = new PipelineResources(context);
        MemberInformers<FeaturePipeline> informers = new MemberInformers<>(FeaturePipeline.class,
                HasMetadata.getKind(FeaturePipeline.class));
        placement = new PlacedClusters<>(hub, members, informers,
                (name, client) -> new PipelineResources(name, client, informers));
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
        List<EventSource<?, FeaturePipeline>> sources = new ArrayList<>(hub.sources());
        sources.add(budgets);
        sources.add(informers);
        return sources;
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
        // a budget's capReplicas caps the autoscalers as it caps a model's HPA (in the clusters the apps run in)
        String budgetBefore = s.budget;
        List<Cluster<PipelineResources>> clusters = placement.clusters(fp, spec.placement);
        List<Cluster<PipelineResources>> placed = clusters.stream().filter(c -> c.weight() > 0).toList();
        Enforcement.Effects effects = Enforcement.of(fp, placed.stream().map(Cluster::name).toList(),
                budgets.list().toList());
        s.budget = effects.maxReplicas() == null ? null : "capReplicas " + effects.maxReplicas() + " (budget "
                + String.join(", ", effects.budgets()) + ")";
        if (s.budget != null && !s.budget.equals(budgetBefore)) {
            news.add(() -> events.warning(fp, Reason.BudgetActionApplied, s.budget));
        } else if (s.budget == null && budgetBefore != null) {
            news.add(() -> events.normal(fp, Reason.BudgetActionReleased, "released: " + budgetBefore));
        }
        List<FeaturePipelineStatus.ClusterStatus> statuses = new ArrayList<>();
        Map<String, String> scalers = new java.util.LinkedHashMap<>();
        List<String> down = new ArrayList<>();
        for (Cluster<PipelineResources> c : clusters) {
            FeaturePipelineStatus.ClusterStatus cs = new FeaturePipelineStatus.ClusterStatus();
            cs.name = c.name();
            cs.weight = c.weight();
            statuses.add(cs);
            if (c.weight() == 0) {
                continue;
            }
            String problem = c.problem();
            if (problem == null && c.usable()) {
                try {
                    scalers.put(c.name(), c.resources().apply(fp, partitions, effects.maxReplicas()));
                    problem = c.resources().unavailable(fp);
                } catch (KubernetesClientException e) {
                    if (c.local()) {
                        throw e; // the hub as before: JOSDK retries with backoff
                    }
                    // this member's apps stay as they were; the other clusters are written all the same
                    problem = "writing the apps failed (HTTP " + e.getCode() + "): " + e.getMessage();
                }
            } else if (problem == null) {
                problem = "waiting for the API server of cluster " + c.name();
            }
            cs.workersReady = problem == null;
            cs.message = problem;
            if (problem != null) {
                down.add(spec.placement == null ? problem : c.name() + ": " + problem);
            }
        }
        if (placed.stream().noneMatch(Cluster::local)) {
            // the placement moved the apps out of the hub (or never had them there)
            placement.hub().removeFromHub(fp);
        }
        for (String left : removeLeftClusters(fp, clusters)) {
            FeaturePipelineStatus.ClusterStatus cs = statuses.stream().filter(x -> x.name.equals(left)).findFirst()
                    .orElseGet(() -> {
                        FeaturePipelineStatus.ClusterStatus x = new FeaturePipelineStatus.ClusterStatus();
                        x.name = left;
                        x.weight = 0;
                        statuses.add(x);
                        return x;
                    });
            // kept until the apps are gone, so that the next reconcile tries again
            cs.message = "its apps are not removed yet: " + Objects.requireNonNullElse(
                    placement.cluster(-1, left, 0).problem(), "the member refused the deletion");
        }
        s.clusters = spec.placement == null ? null : statuses;
        var distinct = new java.util.LinkedHashSet<>(scalers.values());
        s.autoscaler = distinct.size() <= 1 ? scalers.values().stream().filter(Objects::nonNull).findFirst()
                .orElse(null) : String.join(", ", scalers.entrySet().stream()
                        .map(e -> e.getKey() + ": " + (e.getValue() == null ? "none" : e.getValue())).toList());
        String workers = down.isEmpty() ? null : String.join("; ", down);
        boolean wereReady = "True".equals(PipelineStatus.status(fp, PipelineStatus.WORKERS_READY));
        if (workers == null) {
            PipelineStatus.set(fp, PipelineStatus.WORKERS_READY, true, Reason.WorkersAvailable,
                    "collector, worker" + (spec.sink != null ? " and sink" : "") + " available"
                    + (spec.placement == null ? "" : " in " + String.join(", ",
                            placed.stream().map(Cluster::name).toList())), now);
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
        // keeps the rendered annotations (a member's object names its pipeline in them)
        Map<String, String> a = new HashMap<>();
        if (desired.getMetadata().getAnnotations() != null) {
            a.putAll(desired.getMetadata().getAnnotations());
        }
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

    /**
     * Deletes the apps of member clusters that left the placement or went to weight 0: those status still shows
     * with weight > 0, or with a message (not cleaned yet).
     *
     * @return the clusters that could not be cleaned yet
     */
    private List<String> removeLeftClusters(FeaturePipeline fp, List<Cluster<PipelineResources>> now) {
        List<String> pending = new ArrayList<>();
        List<FeaturePipelineStatus.ClusterStatus> before = fp.getStatus().clusters;
        if (before == null) {
            return pending;
        }
        for (FeaturePipelineStatus.ClusterStatus old : before) {
            boolean placed = now.stream().anyMatch(c -> c.name().equals(old.name) && c.weight() > 0);
            boolean clean = old.weight != null && old.weight == 0 && old.message == null;
            if (placed || clean || ClusterTarget.LOCAL.equals(old.name)) {
                continue;
            }
            if (!deleteFrom(fp, old.name)) {
                pending.add(old.name);
            }
        }
        return pending;
    }

    /** @return true when the pipeline's apps in member {@code cluster} are gone (false: not reachable now) */
    private boolean deleteFrom(FeaturePipeline fp, String cluster) {
        return placement.deleteIn(cluster, r -> r.deleteAll(fp));
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
        // the apps in members first (no owner reference collects them); an unreachable member keeps the pipeline
        // and its finalizer, as for a RecommendationModel
        List<String> pending = new ArrayList<>();
        if (fp.getStatus() != null && fp.getStatus().clusters != null) {
            for (FeaturePipelineStatus.ClusterStatus c : fp.getStatus().clusters) {
                if (!ClusterTarget.LOCAL.equals(c.name) && !deleteFrom(fp, c.name)) {
                    pending.add(c.name);
                }
            }
        }
        if (!pending.isEmpty()) {
            failures.merge(id, 1, Integer::sum);
            events.warning(fp, Reason.WorkersUnavailable, "cannot remove the apps from " + pending
                    + " yet: not reachable");
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(backoff(id));
        }
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
