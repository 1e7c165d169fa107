package io.recoflow.operator.model;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;

import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.PlacementCluster;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.operator.api.status.AnalysisStatus;
import io.recoflow.operator.model.analysis.Queries;
import io.recoflow.operator.api.status.ClusterStatus;
import io.recoflow.operator.model.rollout.ServingPlan;
import io.recoflow.operator.model.rollout.SlotPlan;
import io.recoflow.operator.placement.PlacedClusters;
import io.recoflow.operator.placement.Weights;
import io.recoflow.operator.api.status.Endpoint;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.RecommendationModelStatus;
import io.recoflow.operator.api.status.StableSpec;
import io.recoflow.operator.model.rollout.Decision;
import io.recoflow.operator.model.rollout.Health;
import io.recoflow.operator.model.rollout.PodUpdate;
import io.recoflow.operator.model.rollout.RolloutState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The one place RecommendationModel status and conditions are written. Spec is never touched. */
public final class ModelStatus {
    public static final String LOCAL = "local";
    /** The condition set of a RecommendationModel. */
    public static final Conditions CONDITIONS = Conditions.of(Conditions.READY, Conditions.PROGRESSING,
            Conditions.DEGRADED);

    private ModelStatus() {}

    public static RecommendationModelStatus of(RecommendationModel rm) {
        if (rm.getStatus() == null) {
            rm.setStatus(new RecommendationModelStatus());
        }
        if (rm.getStatus().conditions == null) {
            rm.getStatus().conditions = new ArrayList<>();
        }
        return rm.getStatus();
    }

    /**
     * Invalid spec: Ready=False; the rollout goes on with the last valid spec (see {@link #lastValid}).
     *
     * @return true when this is news (worth a Warning event)
     */
    public static boolean invalid(RecommendationModel rm, List<String> errors, Instant now) {
        RecommendationModelStatus s = of(rm);
        Long gen = rm.getMetadata().getGeneration();
        s.observedGeneration = gen;
        String kept = s.lastValidSpec == null ? "" : "; still reconciling the last valid spec";
        return CONDITIONS.set(s.conditions, Conditions.READY, false, Reason.InvalidSpec,
                String.join("; ", errors) + kept, gen, now);
    }

    /**
     * @param name the experiment whose split the model serves now (null: none)
     * @param held a target version that waits for a running experiment (null: none)
     */
    public static void experiment(RecommendationModel rm, String name, Long held) {
        of(rm).experiment = name;
        of(rm).heldVersion = held;
    }

    /** The budget actions the model is rendered under, in words (null: none). */
    public static void budget(RecommendationModel rm, String effects) {
        of(rm).budget = effects;
    }

    /** Remembers a spec that passed validation, for the reconciles that find the spec invalid later. */
    public static void valid(RecommendationModel rm) {
        of(rm).lastValidSpec = Serialization.asJson(rm.getSpec());
    }

    /**
     * The resource as last validly specified: same metadata and status object, the spec from
     * {@code status.lastValidSpec}; null when no spec was ever valid.
     */
    public static RecommendationModel lastValid(RecommendationModel rm) {
        String json = of(rm).lastValidSpec;
        if (json == null) {
            return null;
        }
        RecommendationModel copy = new RecommendationModel();
        copy.setMetadata(rm.getMetadata());
        copy.setSpec(Serialization.unmarshal(json, RecommendationModelSpec.class));
        copy.setStatus(rm.getStatus());
        return copy;
    }

    public static boolean isInvalid(RecommendationModel rm) {
        return Conditions.hasReason(of(rm).conditions, Conditions.READY, Reason.InvalidSpec);
    }

    /**
     * An owned object could not be written (quota, admission webhook, exhausted service IPs...): Ready=False with
     * the API server's words; the rest of status stays as the last successful reconcile left it.
     *
     * @return true when this is news (worth a Warning event)
     */
    public static boolean applyFailed(RecommendationModel rm, String message, Instant now) {
        RecommendationModelStatus s = of(rm);
        Long gen = rm.getMetadata().getGeneration();
        s.observedGeneration = gen;
        return CONDITIONS.set(s.conditions, Conditions.READY, false, Reason.ApplyFailed, message, gen, now);
    }

    /**
     * @param active health of the active slot at what this reconcile rendered
     * @param servingPods whether the active slot has available pods at all (during a rollout or a pod-template
     *     update the previous pods keep serving while the new ones come up: maxUnavailable is 0)
     * @param update a pod-template change (image, resources) rolling through the active slot outside a rollout
     * @return true when the update newly stalled (worth a Warning event)
     */
    public static boolean reconciled(RecommendationModel rm, RolloutState st, Health active, boolean servingPods,
            PodUpdate update, boolean specValid, Instant now) {
        RecommendationModelStatus s = of(rm);
        Long gen = rm.getMetadata().getGeneration();
        write(rm, s, st, now);
        s.observedGeneration = gen;
        String deployment = Names.deployment(rm, st.activeSlot());
        boolean rolling = st.phase() == ModelPhase.RollingOut;
        boolean first = st.phase() == ModelPhase.Deploying || st.phase() == ModelPhase.Failed;
        // a pod-template update replaces pods that served; the first version's pods (still coming up, or given
        // up on: Failed) are no update, so Progressing is not True after the deadline
        boolean updating = !rolling && !first && update != PodUpdate.NONE;
        boolean ready = st.serving() != null && !first
                && (active == Health.AVAILABLE || ((rolling || updating) && servingPods));
        Reason readyReason;
        String readyMsg;
        if (st.serving() == null) {
            readyReason = Reason.NoProductionVersion;
            readyMsg = "no ModelVersion with stage production is ready";
        } else if (st.phase() == ModelPhase.Failed) {
            readyReason = Reason.ProgressDeadlineExceeded;
            readyMsg = "version " + st.serving() + " did not become available within " + progressDeadline(rm)
                    + "s; nothing serves yet";
        } else if (ready && active != Health.AVAILABLE) {
            readyReason = rolling ? Reason.ServingDuringRollout : Reason.ServingDuringUpdate;
            readyMsg = "version " + st.serving() + " is available from the previous pods";
        } else if (ready) {
            readyReason = rolling ? Reason.ServingDuringRollout : Reason.Serving;
            readyMsg = "version " + st.serving() + " is available";
        } else {
            readyReason = st.phase() == ModelPhase.Deploying ? Reason.Deploying : Reason.Unavailable;
            readyMsg = "Deployment " + deployment + " is not available";
        }
        if (specValid) {
            CONDITIONS.set(s.conditions, Conditions.READY, ready, readyReason, readyMsg, gen, now);
        }

        boolean progressing = rolling || st.phase() == ModelPhase.Deploying || (updating && update == PodUpdate.ROLLING);
        Reason progressReason = rolling || st.phase() == ModelPhase.Deploying ? Reason.RolloutInProgress
                : st.phase() == ModelPhase.Failed ? Reason.ProgressDeadlineExceeded
                : updating ? (update == PodUpdate.ROLLING ? Reason.PodTemplateUpdate : Reason.ProgressDeadlineExceeded)
                : Reason.Stable;
        String progressMsg = switch (st.phase()) {
            case RollingOut -> "rolling out version " + st.candidate()
                    + (st.weight() == null ? "" : " at " + st.weight() + "% of traffic")
                    + (st.step() == null ? "" : ", step " + (st.step() + 1));
            case Deploying -> "deploying version " + st.serving();
            case Failed -> "gave up waiting for version " + st.serving() + "; a new production version or its pods"
                    + " coming up resumes";
            default -> updating ? "Deployment " + deployment
                    + " is replacing its pods (new image, resources or served versions)"
                    : "no rollout in progress";
        };
        CONDITIONS.set(s.conditions, Conditions.PROGRESSING, progressing, progressReason, progressMsg, gen, now);

        boolean stalledNews = false;
        if (st.phase() == ModelPhase.RolledBack && failedAnalysis(s, st.lastFailed()) && s.analysis.step == null) {
            CONDITIONS.set(s.conditions, Conditions.DEGRADED, true, Reason.SloBreachDemoted, "serving version "
                    + st.lastFailed() + " broke the SLO for a whole window (" + Queries.of(rm.getSpec().slo).window()
                    + "; " + s.analysis.message + "); demoted to version " + st.serving(), gen, now);
        } else if (st.phase() == ModelPhase.RolledBack && failedAnalysis(s, st.lastFailed())) {
            CONDITIONS.set(s.conditions, Conditions.DEGRADED, true, Reason.AnalysisFailed, "canary of version "
                    + st.lastFailed() + " broke the SLO at step " + (s.analysis.step + 1) + " ("
                    + s.analysis.message + "); version " + st.serving() + " restored", gen, now);
        } else if (st.phase() == ModelPhase.RolledBack) {
            CONDITIONS.set(s.conditions, Conditions.DEGRADED, true, Reason.RolledBack, "rollout of version "
                    + st.lastFailed() + " failed; version " + st.serving() + " restored", gen, now);
        } else if (first && st.lastFailed() != null) {
            CONDITIONS.set(s.conditions, Conditions.DEGRADED, true, Reason.ProgressDeadlineExceeded,
                    "version " + st.serving() + " did not become available in time", gen, now);
        } else if (updating && update == PodUpdate.STALLED) {
            stalledNews = CONDITIONS.set(s.conditions, Conditions.DEGRADED, true, Reason.UpdateStalled, "Deployment "
                    + deployment + " did not finish updating within " + progressDeadline(rm) + "s"
                    + (servingPods ? "; the previous pods keep serving version " + st.serving() : "")
                    + "; revert the spec change", gen, now);
        } else if (st.serving() != null && !ready && st.phase() == ModelPhase.Serving) {
            CONDITIONS.set(s.conditions, Conditions.DEGRADED, true, Reason.Unavailable, readyMsg, gen, now);
        } else {
            CONDITIONS.set(s.conditions, Conditions.DEGRADED, false, Reason.AsExpected, "", gen, now);
        }
        return stalledNews;
    }

    private static boolean failedAnalysis(RecommendationModelStatus s, Long version) {
        return s.analysis != null && "Fail".equals(s.analysis.result) && Objects.equals(s.analysis.version, version);
    }

    /** Records the analysis that just ran (a canary step's, or the SLO watch's), with what it measured. */
    public static void analyzed(RecommendationModel rm, Decision.Analyzed a, Instant now) {
        AnalysisStatus out = new AnalysisStatus();
        out.result = a.result().kind();
        out.version = a.version();
        out.step = a.step();
        out.p95LatencyMs = a.result().measured().p95LatencyMs();
        out.errorRate = a.result().measured().errorRate();
        out.message = a.result().message();
        out.time = now.toString();
        of(rm).analysis = out;
    }

    private static int progressDeadline(RecommendationModel rm) {
        var r = rm.getSpec().rollout;
        return r == null || r.progressDeadlineSeconds == null ? Rollout.DEFAULT_DEADLINE_SECONDS
                : r.progressDeadlineSeconds;
    }

    private static void write(RecommendationModel rm, RecommendationModelStatus s, RolloutState st, Instant now) {
        s.phase = st.phase();
        boolean first = st.phase() == ModelPhase.Deploying || st.phase() == ModelPhase.Failed;
        // the first version is a candidate until it serves: the SERVING column never names a version that did not
        s.servingVersion = first ? null : st.serving();
        s.servingUri = first ? null : st.servingUri();
        s.candidateVersion = first ? st.serving() : st.candidate();
        s.candidateUri = first ? st.servingUri() : st.candidateUri();
        s.canaryWeight = st.weight();
        s.rolloutStep = st.step();
        s.stepStartedAt = st.stepStartedAt() == null ? null : st.stepStartedAt().toString();
        s.stepReadyAt = st.stepReadyAt() == null ? null : st.stepReadyAt().toString();
        s.activeSlot = st.activeSlot();
        s.lastFailedVersion = st.lastFailed();
        s.breachSince = st.breachSince() == null ? null : st.breachSince().toString();
        if (st.previous() == null) {
            s.previousStableSpec = null;
        } else if (s.previousStableSpec == null || !Objects.equals(s.previousStableSpec.version, st.previous())) {
            // a promotion: what was the last stable spec (image, since) becomes the previous one
            s.previousStableSpec = s.lastStableSpec != null && Objects.equals(s.lastStableSpec.version, st.previous())
                    ? s.lastStableSpec : new StableSpec(st.previous(), st.previousUri(), null, null, null);
        }
        if (st.lastStable() != null && (s.lastStableSpec == null
                || !Objects.equals(s.lastStableSpec.version, st.lastStable()))) {
            Runtime runtime = rm.getSpec().runtime == null ? Runtime.TENSORFLOW_SERVING : rm.getSpec().runtime;
            s.lastStableSpec = new StableSpec(st.lastStable(), st.lastStableUri(),
                    DeploymentRenderer.image(rm.getSpec()), runtime == Runtime.EMBEDDED ? "embedded"
                    : "tensorflow-serving", now.toString());
        }
        s.lastStableVersion = st.lastStable();
        s.endpoints = st.serving() == null || first ? null : endpoints(rm);
    }

    /** Only the local cluster is served today; other placement targets are listed without an address. */
    private static List<Endpoint> endpoints(RecommendationModel rm) {
        String host = Names.service(rm) + "." + rm.getMetadata().getNamespace() + ".svc";
        boolean embedded = rm.getSpec().runtime == Runtime.EMBEDDED;
        String grpc = embedded ? null : host + ":" + Ports.TFS_GRPC;
        String http = "http://" + host + ":" + (embedded ? Ports.EMBEDDED_HTTP : Ports.TFS_REST);
        List<Endpoint> out = new ArrayList<>();
        if (rm.getSpec().placement == null) {
            out.add(new Endpoint(LOCAL, grpc, http, 100));
            return out;
        }
        for (PlacementCluster c : rm.getSpec().placement.clusters) {
            boolean local = LOCAL.equals(c.name);
            out.add(new Endpoint(c.name, local ? grpc : null, local ? http : null, c.weight));
        }
        return out;
    }

    /** One cluster's line of status.clusters. */
    static ClusterStatus cluster(RecommendationModel scaled, PlacedClusters.Cluster<ServingResources> c,
            RolloutState st, ServingPlan plan, Health health, boolean pods, Weights.Effective w, boolean reachable,
            String endpoint, String problem) {
        ClusterStatus out = new ClusterStatus();
        out.name = c.name();
        out.weight = c.weight();
        out.effectiveWeight = w == null ? 0 : w.effective();
        out.failedOver = w != null && w.failedOver() ? true : null;
        out.unhealthySince = w == null || w.unhealthySince() == null ? null : w.unhealthySince().toString();
        out.healthySince = w == null || w.healthySince() == null ? null : w.healthySince().toString();
        out.reachable = reachable;
        out.endpoint = endpoint;
        SlotPlan active = plan.active();
        out.servingVersion = active == null ? null : active.stable();
        out.candidateVersion = active == null ? null : active.canary();
        var spec = scaled.getSpec();
        out.desiredReplicas = spec.autoscaling != null ? spec.autoscaling.minReplicas
                : spec.replicas == null ? 1 : spec.replicas;
        out.readyReplicas = c.usable() ? ModelPlacement.ready(c.resources().deployment(scaled, plan.activeSlot()))
                : null;
        if (c.weight() == 0) {
            out.phase = "Pending";
            out.message = "weight 0: nothing placed";
        } else if (!c.usable() || !reachable) {
            out.phase = c.resources() == null ? "Pending" : "Unreachable";
            out.message = problem;
        } else if (health == Health.AVAILABLE) {
            out.phase = st.rollingOut() && active != null && active.canary() != null ? "RollingOut" : "Serving";
            out.message = problem;
        } else if (pods) {
            out.phase = "RollingOut";
            out.message = problem != null ? problem : "the previous pods serve while new ones come up";
        } else {
            out.phase = "Unavailable";
            out.message = problem != null ? problem : "no available pod";
        }
        return out;
    }

    /**
     * The placement part of status: status.clusters, the CLUSTERS column, Degraded while a cluster is failed over,
     * Ready=False while a cluster of the placement cannot be used at all (unknown ClusterTarget, bad Secret).
     *
     * @return events to announce: {reason, message}
     */
    static List<String[]> placed(RecommendationModel rm, List<ClusterStatus> now, java.util.Set<String> leaving,
            Integer rolloutCluster, boolean specValid, Instant at) {
        RecommendationModelStatus s = of(rm);
        Long gen = rm.getMetadata().getGeneration();
        List<String[]> news = new ArrayList<>();
        java.util.Map<String, ClusterStatus> was = new java.util.HashMap<>();
        if (s.clusters != null) {
            s.clusters.forEach(c -> was.put(c.name, c));
        }
        List<ClusterStatus> out = new ArrayList<>(now);
        // clusters that left the placement stay listed until their objects are gone
        if (s.clusters != null) {
            for (ClusterStatus old : s.clusters) {
                if (now.stream().noneMatch(c -> c.name.equals(old.name)) && leaving.contains(old.name)) {
                    ClusterStatus gone = new ClusterStatus();
                    gone.name = old.name;
                    gone.phase = "Removing";
                    gone.weight = 0;
                    gone.effectiveWeight = 0;
                    gone.message = "left the placement; its objects are deleted once it can be reached";
                    out.add(gone);
                }
            }
        }
        String weights = now.stream().map(c -> c.name + "=" + c.effectiveWeight)
                .collect(java.util.stream.Collectors.joining(", "));
        for (ClusterStatus c : now) {
            ClusterStatus b = was.get(c.name);
            boolean wasFailed = b != null && Boolean.TRUE.equals(b.failedOver);
            if (Boolean.TRUE.equals(c.failedOver) && !wasFailed) {
                news.add(new String[] {Reason.ClusterFailover.name(), "cluster " + c.name + " has not served since "
                        + c.unhealthySince + " (" + c.message + "); its traffic moved: " + weights});
            } else if (!Boolean.TRUE.equals(c.failedOver) && wasFailed) {
                news.add(new String[] {Reason.ClusterRestored.name(), "cluster " + c.name
                        + " serves again; effective weights " + weights});
            }
        }
        s.clusters = out;
        long weighted = now.stream().filter(c -> c.weight > 0).count();
        long serving = now.stream().filter(c -> c.weight > 0
                && ("Serving".equals(c.phase) || "RollingOut".equals(c.phase))).count();
        s.clustersReady = serving + "/" + weighted;
        s.rolloutCluster = rolloutCluster;
        if (s.servingVersion != null) {
            s.endpoints = now.stream().filter(c -> c.weight > 0).map(c -> new Endpoint(c.name, null,
                    c.endpoint == null ? null : c.endpoint.startsWith("http") ? c.endpoint : "http://" + c.endpoint,
                    c.effectiveWeight)).toList();
        }
        List<ClusterStatus> failed = now.stream().filter(c -> Boolean.TRUE.equals(c.failedOver)).toList();
        if (!failed.isEmpty()) {
            CONDITIONS.set(s.conditions, Conditions.DEGRADED, true, Reason.ClusterFailover, "cluster "
                    + failed.stream().map(c -> c.name).collect(java.util.stream.Collectors.joining(", "))
                    + " failed over (" + failed.get(0).message + "); effective weights " + weights, gen, at);
        }
        List<ClusterStatus> unusable = now.stream().filter(c -> c.weight > 0 && "Pending".equals(c.phase)
                && c.message != null).toList();
        if (specValid && !unusable.isEmpty()) {
            CONDITIONS.set(s.conditions, Conditions.READY, false, Reason.ClusterNotUsable, unusable.stream()
                    .map(c -> c.message).collect(java.util.stream.Collectors.joining("; "))
                    + "; the other clusters keep serving", gen, at);
        }
        return news;
    }
}
