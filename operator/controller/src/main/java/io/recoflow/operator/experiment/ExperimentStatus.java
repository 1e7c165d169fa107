package io.recoflow.operator.experiment;

import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ABExperimentStatus;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.experiment.VariantStatus;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.experiment.ExperimentJudge.Result;
import io.recoflow.operator.experiment.ExperimentJudge.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one place ABExperiment status is written. */
public final class ExperimentStatus {
    public static final String ROUTING = "Routing";
    public static final String PROMOTED = "Promoted";
    /** Ready: the spec and its references are fine and the experiment is not stopped by its data. */
    public static final Conditions CONDITIONS = Conditions.of(Conditions.READY, ROUTING, PROMOTED);

    private ExperimentStatus() {}

    public static ABExperimentStatus of(ABExperiment x) {
        if (x.getStatus() == null) {
            x.setStatus(new ABExperimentStatus());
        }
        ABExperimentStatus s = x.getStatus();
        if (s.conditions == null) {
            s.conditions = new ArrayList<>();
        }
        if (s.phase == null) {
            s.phase = ExperimentPhase.Pending;
        }
        return s;
    }

    /** @return true when this is news (the Ready condition changed) */
    public static boolean ready(ABExperiment x, boolean ready, Reason reason, String message, Instant now) {
        ABExperimentStatus s = of(x);
        s.observedGeneration = x.getMetadata().getGeneration();
        s.reason = message;
        return CONDITIONS.set(s.conditions, Conditions.READY, ready, reason, message, s.observedGeneration, now);
    }

    public static boolean routing(ABExperiment x, boolean routing, Reason reason, String message, Instant now) {
        ABExperimentStatus s = of(x);
        return CONDITIONS.set(s.conditions, ROUTING, routing, reason, message, x.getMetadata().getGeneration(), now);
    }

    public static boolean promoted(ABExperiment x, boolean done, Reason reason, String message, Instant now) {
        ABExperimentStatus s = of(x);
        return CONDITIONS.set(s.conditions, PROMOTED, done, reason, message, x.getMetadata().getGeneration(), now);
    }

    public static void phase(ABExperiment x, ExperimentPhase phase) {
        of(x).phase = phase;
    }

    public static void started(ABExperiment x, Instant now) {
        of(x).startedAt = now.toString();
    }

    /** The running minimum of each treatment's always-valid p-value so far. */
    public static Map<String, Double> previousP(ABExperiment x) {
        Map<String, Double> out = new HashMap<>();
        if (x.getStatus() != null && x.getStatus().variants != null) {
            for (VariantStatus v : x.getStatus().variants) {
                if (v.pValue != null) {
                    out.put(v.name, v.pValue);
                }
            }
        }
        return out;
    }

    /** Copies a look's figures into status; a final verdict also fixes phase, winner and decidedAt. */
    public static void looked(ABExperiment x, Verdict verdict, Map<String, String> modelVersions, Instant now) {
        ABExperimentStatus s = of(x);
        s.checkedAt = now.toString();
        s.srmPValue = round(verdict.srmPValue());
        List<VariantStatus> variants = new ArrayList<>();
        long users = 0;
        var metric = x.getSpec().primaryMetric == null
                ? io.recoflow.operator.api.experiment.ABExperimentSpec.Metric.CONVERSION : x.getSpec().primaryMetric;
        for (Result r : verdict.results()) {
            VariantStatus v = new VariantStatus();
            v.name = r.arm().name();
            v.modelVersion = modelVersions.get(v.name);
            v.version = r.arm().version();
            v.control = r.arm().control() ? true : null;
            v.exposedUsers = r.counts().exposed();
            v.convertingUsers = r.counts().outcomes(metric);
            v.rate = round(r.rate());
            if (r.vs() != null) {
                v.lift = round(r.vs().lift());
                v.liftLower = round(r.vs().liftLower());
                v.liftUpper = round(r.vs().liftUpper());
                v.pValue = round(r.pValue());
            }
            if (!r.secondary().isEmpty()) {
                Map<String, Double> sec = new LinkedHashMap<>();
                r.secondary().forEach((m, value) -> sec.put(ExperimentJudge.name(m), round(value)));
                v.secondary = sec;
            }
            users += r.counts().exposed();
            variants.add(v);
        }
        s.variants = variants;
        s.users = users;
        Result leader = verdict.leader();
        s.leader = leader == null ? null : leader.arm().name();
        s.leaderLift = leader == null || leader.vs() == null ? null : ExperimentJudge.percent(leader.vs().lift());
        if (verdict.phase().done()) {
            s.phase = verdict.phase();
            s.decidedAt = now.toString();
            s.winner = verdict.winner();
            s.winnerVersion = verdict.winner() == null ? null : verdict.results().stream()
                    .filter(r -> r.arm().name().equals(verdict.winner())).findFirst()
                    .map(r -> r.arm().version()).orElse(null);
        }
    }

    /** Six significant digits: status stays readable and does not churn on float noise. */
    static Double round(Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) {
            return null;
        }
        return d == 0 ? 0 : new java.math.BigDecimal(d).round(new java.math.MathContext(6)).doubleValue();
    }
}
