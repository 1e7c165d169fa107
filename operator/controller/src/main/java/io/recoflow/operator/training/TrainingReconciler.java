package io.recoflow.operator.training;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.api.training.TrainingScheduleStatus;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.Owners;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.core.StatusWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a TrainingSchedule: a Job per run when the schedule ticks or a trigger fires ({@link Triggers}), at most one
 * active at a time (Forbid skips a due run, Replace deletes the active one), the trainer's result read from its pod's
 * termination message, finished Jobs pruned to {@code historyLimit}. A registered challenger is reported in status
 * and an Event; with {@code onSuccess: experiment} the schedule creates the challenger's ModelVersion and an
 * ABExperiment champion vs challenger (both owned by it, so deleting the schedule removes them). It never writes the
 * spec of anything it does not own.
 */
@ControllerConfiguration(name = TrainingReconciler.NAME)
public class TrainingReconciler implements Reconciler<TrainingSchedule> {
    public static final String NAME = "trainingschedule";
    static final Duration IDLE = Duration.ofMinutes(5);

    private final Clock clock;
    private final EventRecorder events;
    private final Triggers triggers;
    private final Duration maxRequeue;
    private Dependent<Job, TrainingSchedule> jobs;
    private InformerEventSource<Pod, TrainingSchedule> pods;

    public TrainingReconciler(Clock clock, EventRecorder events, Triggers triggers, Duration maxRequeue) {
        this.clock = clock;
        this.events = events;
        this.triggers = triggers;
        this.maxRequeue = maxRequeue;
    }

    @Override
    public List<EventSource<?, TrainingSchedule>> prepareEventSources(EventSourceContext<TrainingSchedule> context) {
        jobs = Dependent.of(Job.class, TrainingSchedule.class, context);
        pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, TrainingSchedule.class)
                .withName("training-pods")
                .withLabelSelector(JobRenderer.SCHEDULE_LABEL)
                .withSecondaryToPrimaryMapper((Pod p) -> Set.of(new ResourceID(
                        p.getMetadata().getLabels().get(JobRenderer.SCHEDULE_LABEL), p.getMetadata().getNamespace())))
                .build(), context);
        var models = new InformerEventSource<>(InformerEventSourceConfiguration.from(RecommendationModel.class,
                        TrainingSchedule.class)
                .withName("training-models")
                .withSecondaryToPrimaryMapper((RecommendationModel rm) -> context.getPrimaryCache()
                        .list(rm.getMetadata().getNamespace(), ts -> ts.getSpec() != null
                                && rm.getMetadata().getName().equals(ts.getSpec().modelRef))
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<TrainingSchedule>) ts -> ts.getSpec() == null
                        ? Set.of() : Set.of(new ResourceID(ts.getSpec().modelRef, ts.getMetadata().getNamespace())))
                .build(), context);
        return List.of(jobs.source(), pods, models);
    }

    @Override
    public UpdateControl<TrainingSchedule> reconcile(TrainingSchedule ts, Context<TrainingSchedule> ctx) {
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(ts);
        TrainingScheduleStatus s = TrainingStatus.of(ts);
        List<Runnable> news = new ArrayList<>();
        List<String> errors = TrainingValidator.INSTANCE.validate(ts);
        if (!errors.isEmpty()) {
            String m = String.join("; ", errors);
            if (TrainingStatus.ready(ts, false, Reason.InvalidSpec, m, now)) {
                news.add(() -> events.warning(ts, Reason.InvalidSpec, m));
            }
            return done(ts, original, ctx, news, null);
        }
        RecommendationModel rm = ctx.getSecondaryResource(RecommendationModel.class).orElse(null);
        if (rm == null) {
            String m = "RecommendationModel " + ts.getSpec().modelRef + " not found";
            if (TrainingStatus.ready(ts, false, Reason.ModelNotFound, m, now)) {
                news.add(() -> events.warning(ts, Reason.ModelNotFound, m));
            }
            return done(ts, original, ctx, news, null);
        }
        String ns = ts.getMetadata().getNamespace();
        boolean spark = ts.getSpec().trainer.engine == TrainingScheduleSpec.Engine.SPARK;
        List<RunObject> mine = (spark ? Spark.runs(ctx.getClient(), ts) : ctx.getSecondaryResources(Job.class).stream()
                .map(RunObject::of).toList()).stream()
                .sorted(Comparator.comparing(RunObject::created))
                .toList();
        RunObject active = mine.stream().filter(j -> !j.finished()).reduce((a, b) -> b).orElse(null);

        // 1. the run in status has finished: read its result
        TrainingScheduleStatus.Run run = s.lastRun;
        if (run != null && TrainingStatus.RUNNING.equals(run.result)) {
            RunObject job = mine.stream().filter(j -> j.name().equals(run.job)).findFirst().orElse(null);
            if (job != null && job.finished()) {
                String message = terminationMessage(ctx, job);
                RunResult result = parse(message);
                String failure = job.failed() ? job.failure() : "the trainer wrote no result";
                TrainingStatus.finished(ts, run, result, failure, now);
                announce(ts, rm, run, result, news, ctx);
            } else if (job == null) {
                TrainingStatus.finished(ts, run, null, "Job " + run.job + " is gone", now);
                news.add(() -> events.warning(ts, Reason.TrainingFailed, "run " + run.version + ": Job " + run.job
                        + " is gone (deleted by hand?)"));
            }
        }

        // 2. is a run due?
        String why = null;
        Instant next = null;
        if (ts.getSpec().schedule != null) {
            Cron cron = Cron.parse(ts.getSpec().schedule);
            if (s.lastScheduleTime == null) {
                // ticks count from when the operator first saw the schedule (the operator's clock, not the API
                // server's creationTimestamp: a schedule applied while the operator was down starts fresh)
                s.lastScheduleTime = now.toString();
            }
            Instant from = Instant.parse(s.lastScheduleTime);
            Instant tick = cron.next(from).orElse(null);
            if (tick != null && !tick.isAfter(now)) {
                why = "schedule " + ts.getSpec().schedule + " (tick " + tick + ")";
                // a tick missed while the operator was down is run once, not once per missed tick
                Instant last = tick;
                for (Instant t = cron.next(tick).orElse(null); t != null && !t.isAfter(now); t = cron.next(t)
                        .orElse(null)) {
                    last = t;
                }
                s.lastScheduleTime = last.toString();
            }
            next = cron.next(Instant.parse(s.lastScheduleTime)).orElse(null);
            s.nextRun = next == null ? null : next.toString();
        }
        if (why == null && ts.getSpec().triggers != null && active == null) {
            Triggers.Fired fired = triggers.check(ts, rm, now);
            if (fired.psi() != null) {
                s.psi = Math.round(fired.psi() * 10000) / 10000.0;
            }
            why = fired.why();
        }

        // 3. start it
        if (why != null) {
            String reason = why;
            if (active != null && ts.getSpec().concurrencyPolicy != TrainingScheduleSpec.ConcurrencyPolicy.Replace) {
                String m = "run due (" + reason + ") but " + active.name() + " is still running: "
                        + "skipped (concurrencyPolicy Forbid)";
                news.add(() -> events.normal(ts, Reason.TrainingSkipped, m));
            } else {
                if (active != null) {
                    delete(ctx, ns, active, spark);
                    String replaced = active.name();
                    news.add(() -> events.normal(ts, Reason.TrainingSkipped, "replaced " + replaced
                            + " (concurrencyPolicy Replace)"));
                }
                long version = now.getEpochSecond();
                String name = JobRenderer.name(ts, version);
                if (spark) {
                    String registered = ts.getSpec().registeredModel != null ? ts.getSpec().registeredModel
                            : rm.getSpec().model;
                    Spark.create(ctx.getClient(), SparkRenderer.render(ts, name, version, registered));
                } else {
                    jobs.apply(ts, JobRenderer.render(ts, rm.getSpec().model, version));
                }
                TrainingStatus.started(ts, name, version, reason, now);
                String kind = spark ? "SparkApplication " : "Job ";
                news.add(() -> events.normal(ts, Reason.TrainingStarted, "run " + version + " (" + kind + name
                        + "): " + reason));
            }
        }

        // 4. history
        List<RunObject> done = mine.stream().filter(RunObject::finished).toList();
        int keep = ts.getSpec().historyLimit == null ? 3 : ts.getSpec().historyLimit;
        for (int i = 0; i < done.size() - keep; i++) {
            delete(ctx, ns, done.get(i), spark);
        }

        boolean running = s.lastRun != null && TrainingStatus.RUNNING.equals(s.lastRun.result);
        TrainingStatus.progressing(ts, running, running ? Reason.TrainingRunning : Reason.Idle,
                running ? "run " + s.lastRun.version + " (Job " + s.lastRun.job + ") is training" : "no run active",
                now);
        TrainingStatus.ready(ts, true, Reason.AsExpected, s.lastRun == null ? "waiting for the first run"
                : "last run " + s.lastRun.version + ": " + s.lastRun.result, now);
        // a SparkApplication has no informer here (its CRD may not be installed): look again while one runs
        Instant poll = spark && running ? now.plus(Spark.POLL) : null;
        return done(ts, original, ctx, news, next == null || (poll != null && poll.isBefore(next)) ? poll : next);
    }

    private void delete(Context<TrainingSchedule> ctx, String ns, RunObject run, boolean spark) {
        if (spark) {
            Spark.delete(ctx.getClient(), ns, run.name());
        } else {
            jobs.delete(ns, run.name());
        }
    }

    private void announce(TrainingSchedule ts, RecommendationModel rm, TrainingScheduleStatus.Run run,
            RunResult result, List<Runnable> news, Context<TrainingSchedule> ctx) {
        String v = "run " + run.version;
        switch (run.result) {
            case TrainingStatus.REGISTERED -> {
                String gate = run.gain == null ? "no champion to gate against" : "ndcg@10 gain " + run.gain;
                String m = v + ": the challenger passed the gate (" + gate + ") and is registered"
                        + " with alias challenger" + (result != null && result.registryVersion() != null
                        ? " (registry version " + result.registryVersion() + ")" : "");
                news.add(() -> events.normal(ts, Reason.TrainingRegistered, m));
                if (ts.getSpec().onSuccess == TrainingScheduleSpec.OnSuccess.EXPERIMENT) {
                    challengerExperiment(ts, rm, run, news, ctx);
                } else {
                    news.add(() -> events.normal(ts, Reason.TrainingRegistered, "to serve it, commit a ModelVersion "
                            + "for model " + rm.getMetadata().getName() + " with version " + run.version + " and "
                            + "artifact " + ts.getSpec().trainer.output + " (stage candidate, then production)"));
                }
            }
            case TrainingStatus.GATE_FAILED -> news.add(() -> events.warning(ts, Reason.TrainingGateFailed, v
                    + ": " + (run.message != null ? run.message
                            : "the challenger did not pass the gate, nothing registered")));
            default -> news.add(() -> events.warning(ts, Reason.TrainingFailed, v + " failed: " + run.message));
        }
    }

    /** The challenger's ModelVersion and an ABExperiment champion vs challenger, owned by the schedule. */
    private void challengerExperiment(TrainingSchedule ts, RecommendationModel rm, TrainingScheduleStatus.Run run,
            List<Runnable> news, Context<TrainingSchedule> ctx) {
        KubernetesClient client = ctx.getClient();
        String ns = ts.getMetadata().getNamespace();
        Long serving = rm.getStatus() == null ? null : rm.getStatus().servingVersion;
        ModelVersion champion = serving == null ? null : client.resources(ModelVersion.class).inNamespace(ns).list()
                .getItems().stream().filter(mv -> mv.getSpec() != null
                        && rm.getMetadata().getName().equals(mv.getSpec().modelRef)
                        && Objects.equals(mv.getSpec().version, serving)).findFirst().orElse(null);
        if (champion == null) {
            news.add(() -> events.warning(ts, Reason.ChallengerExperiment, "no experiment: model "
                    + rm.getMetadata().getName() + " serves no version with a ModelVersion to compare against"));
            return;
        }
        String name = JobRenderer.name(ts, run.version);
        ModelVersion mv = new ModelVersion();
        mv.setMetadata(Owners.meta(ts, name, JobRenderer.labels(ts, run.version)));
        mv.setSpec(new ModelVersionSpec());
        mv.getSpec().modelRef = rm.getMetadata().getName();
        mv.getSpec().version = run.version;
        mv.getSpec().artifact = new ArtifactSource();
        mv.getSpec().artifact.uri = ts.getSpec().trainer.output;
        mv.getSpec().stage = Stage.CANDIDATE;
        var t = ts.getSpec().experiment;
        ABExperiment x = new ABExperiment();
        x.setMetadata(Owners.meta(ts, name, JobRenderer.labels(ts, run.version)));
        x.setSpec(new ABExperimentSpec());
        x.getSpec().modelRef = rm.getMetadata().getName();
        int w = t.challengerWeight == null ? 50 : t.challengerWeight;
        x.getSpec().variants = List.of(ABExperimentSpec.Variant.of("champion", champion.getMetadata().getName(), 100 - w, true),
                ABExperimentSpec.Variant.of("challenger", name, w, false));
        x.getSpec().primaryMetric = t.primaryMetric;
        x.getSpec().guardrails = t.guardrails;
        x.getSpec().analysis = t.analysis;
        x.getSpec().onConclusion = t.onConclusion == null ? ABExperimentSpec.OnConclusion.PROMOTE : t.onConclusion;
        try {
            client.resource(mv).inNamespace(ns).create();
            client.resource(x).inNamespace(ns).create();
            news.add(() -> events.normal(ts, Reason.ChallengerExperiment, "ABExperiment " + name + ": champion "
                    + champion.getMetadata().getName() + " vs challenger " + name + " (" + w + "% of users)"));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                news.add(() -> events.warning(ts, Reason.ChallengerExperiment, "creating the challenger's "
                        + "ModelVersion or experiment failed: " + e.getMessage()));
            }
        }
    }


    private UpdateControl<TrainingSchedule> done(TrainingSchedule ts, String original, Context<TrainingSchedule> ctx,
            List<Runnable> news, Instant next) {
        UpdateControl<TrainingSchedule> control = StatusWriter.write(ts, original, ctx);
        news.forEach(Runnable::run);
        Duration wait = IDLE;
        if (ts.getSpec() != null && ts.getSpec().triggers != null) {
            long check = ts.getSpec().triggers.checkIntervalSeconds == null ? 300
                    : ts.getSpec().triggers.checkIntervalSeconds;
            wait = Duration.ofSeconds(check);
        }
        if (next != null) {
            Duration toTick = Duration.between(clock.instant(), next);
            wait = toTick.compareTo(wait) < 0 ? toTick : wait;
        }
        if (wait.compareTo(maxRequeue) > 0) {
            wait = maxRequeue;
        }
        return control.rescheduleAfter(wait.isNegative() || wait.isZero() ? Duration.ofMillis(50) : wait);
    }

    /** The newest terminated trainer container's message among the Job's pods. */
    private String terminationMessage(Context<TrainingSchedule> ctx, RunObject job) {
        return ctx.getSecondaryResources(Pod.class).stream()
                .filter(p -> job.owns(p))
                .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
                .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                .filter(c -> c.getState() != null && c.getState().getTerminated() != null
                        && c.getState().getTerminated().getMessage() != null)
                .map(c -> c.getState().getTerminated())
                .max(Comparator.comparing(t -> t.getFinishedAt() == null ? "" : t.getFinishedAt()))
                .map(t -> t.getMessage()).orElse(null);
    }

    private static RunResult parse(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        try {
            return RunResult.parse(message);
        } catch (java.io.IOException e) {
            return new RunResult(RunResult.FAILED, null, null, null, null, null, null,
                    "the trainer's result is not JSON: " + message.substring(0, Math.min(200, message.length())));
        }
    }
}
