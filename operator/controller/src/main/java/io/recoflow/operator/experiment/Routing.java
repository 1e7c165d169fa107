package io.recoflow.operator.experiment;

import io.recoflow.common.contract.ExperimentConfig;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentSpec;
import io.recoflow.operator.api.experiment.ABExperimentSpec.OnConclusion;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.model.rollout.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a RecommendationModel takes from its experiments (the model controller asks; this is the rule in one
 * place):
 * <ul>
 *   <li><b>routes</b>: the oldest valid experiment that is Running (or Concluded with {@code report}) and whose
 *       variants' ModelVersions all belong to the model and are resolved: its versions are served next to the
 *       production one and its split goes into the experiment file;</li>
 *   <li><b>holds</b>: while any experiment is Running the model starts no new rollout (a canary would take users
 *       out of the experiment's variants, and the variants would take the canary's users); a rollout already
 *       under way finishes first and the experiment waits for it (Pending, WaitingForRollout);</li>
 *   <li><b>promotes</b>: the winner of the newest experiment Concluded with {@code promote} is the model's target,
 *       unless a production ModelVersion newer than every variant has been promoted since (Git moved on).</li>
 * </ul>
 */
public final class Routing {
    private Routing() {}

    /** The experiment whose split the model serves, or empty. */
    public static Optional<ABExperiment> active(RecommendationModel rm, Collection<ABExperiment> experiments,
            Collection<ModelVersion> versions) {
        Map<String, ModelVersion> byName = byName(versions);
        return experiments.stream()
                .filter(x -> routes(x) && of(rm, x) && ExperimentValidator.INSTANCE.validate(x).isEmpty())
                .filter(x -> x.getSpec().variants.stream().allMatch(v -> ready(rm, byName.get(v.modelVersion))))
                .min(oldestFirst());
    }

    /** Whether a Running experiment of the model holds its rollouts. */
    public static boolean holds(RecommendationModel rm, Collection<ABExperiment> experiments) {
        return experiments.stream().anyMatch(x -> of(rm, x) && phase(x) == ExperimentPhase.Running);
    }

    /** The model versions of the experiment's variants, in variant order. */
    public static List<Long> versions(ABExperiment x, Collection<ModelVersion> versions) {
        Map<String, ModelVersion> byName = byName(versions);
        List<Long> out = new ArrayList<>();
        for (ABExperimentSpec.Variant v : x.getSpec().variants) {
            out.add(byName.get(v.modelVersion).getSpec().version);
        }
        return out;
    }

    /** The experiment file of the shared contract: what the recommendation service and the worker read. */
    public static ExperimentConfig file(ABExperiment x, Collection<ModelVersion> versions) {
        if (x == null) {
            return ExperimentConfig.NONE;
        }
        List<Long> numbers = versions(x, versions);
        List<ExperimentConfig.Variant> variants = new ArrayList<>();
        for (int i = 0; i < x.getSpec().variants.size(); i++) {
            ABExperimentSpec.Variant v = x.getSpec().variants.get(i);
            variants.add(new ExperimentConfig.Variant(v.name, v.weight, numbers.get(i)));
        }
        long window = x.getSpec().attributionWindowSeconds == null ? ABExperimentSpec.DEFAULT_ATTRIBUTION_SECONDS
                : x.getSpec().attributionWindowSeconds;
        return new ExperimentConfig(List.of(new ExperimentConfig.Experiment(x.key(), salt(x), window, variants)));
    }

    public static String salt(ABExperiment x) {
        return x.getSpec().salt == null ? x.key() : x.getSpec().salt;
    }

    /**
     * The target after experiments: the winner of the newest promoting experiment, or {@code production} when
     * there is none or a production version newer than all its variants exists.
     */
    public static Target target(RecommendationModel rm, Collection<ABExperiment> experiments,
            Collection<ModelVersion> versions, Target production) {
        Map<String, ModelVersion> byName = byName(versions);
        Optional<ABExperiment> promoting = experiments.stream()
                .filter(x -> of(rm, x) && phase(x) == ExperimentPhase.Concluded
                        && x.getSpec().onConclusion == OnConclusion.PROMOTE
                        && x.getStatus().winner != null && x.getStatus().decidedAt != null)
                .max(Comparator.comparing(x -> x.getStatus().decidedAt));
        if (promoting.isEmpty()) {
            return production;
        }
        ABExperiment x = promoting.get();
        ModelVersion winner = x.getSpec().variants.stream().filter(v -> v.name.equals(x.getStatus().winner))
                .findFirst().map(v -> byName.get(v.modelVersion)).orElse(null);
        if (winner == null || !ready(rm, winner)) {
            return production;
        }
        long newest = x.getSpec().variants.stream().map(v -> byName.get(v.modelVersion))
                .filter(mv -> mv != null).mapToLong(mv -> mv.getSpec().version).max().orElse(0);
        if (production != null && production.version() > newest) {
            return production;
        }
        return new Target(winner.getSpec().version, winner.getStatus().resolvedUri);
    }

    /** What of an experiment its model looks at: a change of anything else (the counts) need not wake it. */
    public static List<Object> key(ABExperiment x) {
        var st = x.getStatus();
        return java.util.Arrays.asList(x.getMetadata().getGeneration(),
                st == null ? null : st.phase, st == null ? null : st.winner, st == null ? null : st.decidedAt);
    }

    static boolean routes(ABExperiment x) {
        ExperimentPhase p = phase(x);
        return p == ExperimentPhase.Running
                || (p == ExperimentPhase.Concluded && x.getSpec().onConclusion == OnConclusion.REPORT);
    }

    static boolean of(RecommendationModel rm, ABExperiment x) {
        return x.getSpec() != null && rm.getMetadata().getName().equals(x.getSpec().modelRef)
                && rm.getMetadata().getNamespace().equals(x.getMetadata().getNamespace());
    }

    /** A ModelVersion of this model, resolved at its current generation and not failed. */
    static boolean ready(RecommendationModel rm, ModelVersion mv) {
        return mv != null && mv.getSpec() != null && rm.getMetadata().getName().equals(mv.getSpec().modelRef)
                && mv.getStatus() != null && mv.getStatus().resolvedUri != null
                && mv.getStatus().phase != VersionPhase.Failed;
    }

    static ExperimentPhase phase(ABExperiment x) {
        return x.getStatus() == null ? null : x.getStatus().phase;
    }

    static Comparator<ABExperiment> oldestFirst() {
        return Comparator.comparing((ABExperiment x) -> x.getMetadata().getCreationTimestamp() == null ? ""
                : x.getMetadata().getCreationTimestamp()).thenComparing(x -> x.getMetadata().getName());
    }

    static Map<String, ModelVersion> byName(Collection<ModelVersion> versions) {
        return versions.stream().collect(Collectors.toMap(mv -> mv.getMetadata().getName(), Function.identity(),
                (a, b) -> a));
    }
}
