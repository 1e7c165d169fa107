package io.recoflow.operator.budget;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action;
import io.recoflow.operator.api.budget.CloudCostBudgetStatus.ActionStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What budgets in effect do to one resource, pure: the affected resource's own controller asks (the budget writes
 * nothing but its status), so the action is rendered by the one place that renders the object and is released by
 * the same reconcile that sees the budget's action gone.
 *
 * <p>A budget covers a resource when the resource's namespace is in {@code scope.namespaces} (empty: the budget's own
 * namespace), its labels carry {@code scope.matchLabels}, and, for a model, one of its clusters is in
 * {@code scope.clusters} (empty: every cluster). Several budgets combine to the strictest: the lowest replica cap, any
 * pause or minimum, the shift of the budget named first by name.
 */
public final class Enforcement {
    private Enforcement() {}

    public record Effects(Integer maxReplicas, String shiftTo, Integer floorPercent, boolean scaleToMinimum,
            boolean pauseExperiments, List<String> budgets) {
        public static final Effects NONE = new Effects(null, null, null, false, false, List.of());

        public boolean none() {
            return maxReplicas == null && shiftTo == null && !scaleToMinimum && !pauseExperiments;
        }

        /** For the affected resource's status and events: "capReplicas 4, shiftTraffic to aks (budget shop/b)". */
        public String describe() {
            if (none()) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            if (maxReplicas != null) {
                parts.add("capReplicas " + maxReplicas);
            }
            if (shiftTo != null) {
                parts.add("shiftTraffic to " + shiftTo + " (floor " + floorPercent + "%)");
            }
            if (scaleToMinimum) {
                parts.add("scaleToMinimum");
            }
            if (pauseExperiments) {
                parts.add("pauseExperiments");
            }
            return String.join(", ", parts) + " (budget " + String.join(", ", budgets) + ")";
        }
    }

    public static Effects of(HasMetadata resource, List<String> clusters, Collection<CloudCostBudget> budgets) {
        Integer cap = null;
        String shiftTo = null;
        Integer floor = null;
        boolean minimum = false;
        boolean pause = false;
        List<String> from = new ArrayList<>();
        List<CloudCostBudget> sorted = budgets.stream().filter(b -> covers(b, resource, clusters))
                .sorted(java.util.Comparator.comparing(b -> b.getMetadata().getNamespace() + "/"
                        + b.getMetadata().getName())).toList();
        for (CloudCostBudget b : sorted) {
            if (b.getStatus() == null || b.getStatus().actions == null || b.getStatus().actions.isEmpty()) {
                continue;
            }
            boolean used = false;
            for (ActionStatus a : b.getStatus().actions) {
                switch (a.action) {
                    case CAP_REPLICAS -> {
                        cap = cap == null ? a.value : Math.min(cap, a.value);
                        used = true;
                    }
                    case SHIFT_TRAFFIC -> {
                        if (shiftTo == null && b.getStatus().cheapestCluster != null
                                && clusters.contains(b.getStatus().cheapestCluster)) {
                            shiftTo = b.getStatus().cheapestCluster;
                            floor = a.value == null ? 10 : a.value;
                            used = true;
                        }
                    }
                    case SCALE_TO_MINIMUM -> {
                        minimum = true;
                        used = true;
                    }
                    case PAUSE_EXPERIMENTS -> {
                        pause = true;
                        used = true;
                    }
                    case NOTIFY -> { }
                }
            }
            if (used) {
                from.add(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName());
            }
        }
        return new Effects(cap, shiftTo, floor, minimum, pause, List.copyOf(from));
    }

    static boolean covers(CloudCostBudget b, HasMetadata r, List<String> clusters) {
        var scope = b.getSpec() == null ? null : b.getSpec().scope;
        String ns = r.getMetadata().getNamespace();
        List<String> namespaces = scope == null || scope.namespaces == null || scope.namespaces.isEmpty()
                ? List.of(b.getMetadata().getNamespace()) : scope.namespaces;
        if (!namespaces.contains(ns)) {
            return false;
        }
        if (scope != null && scope.matchLabels != null && !scope.matchLabels.isEmpty()) {
            Map<String, String> labels = r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels();
            for (var e : scope.matchLabels.entrySet()) {
                if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        if (scope != null && scope.clusters != null && !scope.clusters.isEmpty() && !clusters.isEmpty()) {
            return clusters.stream().anyMatch(scope.clusters::contains);
        }
        return true;
    }

    /**
     * The model as rendered under the effects: HPA maxReplicas capped (never below minReplicas), and during a
     * rollout with scaleToMinimum, maxReplicas down to minReplicas. A copy: the spec itself is never changed.
     */
    public static RecommendationModel effective(RecommendationModel rm, Effects e, boolean rollingOut) {
        var a = rm.getSpec().autoscaling;
        boolean cap = e.maxReplicas() != null || (e.scaleToMinimum() && rollingOut);
        if (a == null || !cap) {
            return rm;
        }
        // same metadata and status objects: what the reconcile writes into status must land in the real one
        RecommendationModel copy = new RecommendationModel();
        copy.setMetadata(rm.getMetadata());
        copy.setStatus(rm.getStatus());
        copy.setSpec(Serialization.clone(rm.getSpec()));
        var ca = copy.getSpec().autoscaling;
        int max = ca.maxReplicas;
        if (e.maxReplicas() != null) {
            max = Math.min(max, e.maxReplicas());
        }
        if (e.scaleToMinimum() && rollingOut) {
            max = ca.minReplicas;
        }
        ca.maxReplicas = Math.max(ca.minReplicas, max);
        return copy;
    }

    /**
     * shiftTraffic on configured weights: every other cluster keeps at most {@code floor} percent, the rest goes to
     * {@code to}. Failover runs after this on the shifted weights, so a failed cheap cluster still loses its share.
     */
    public static Map<String, Integer> shift(Map<String, Integer> weights, String to, int floor) {
        if (to == null || !weights.containsKey(to) || weights.get(to) <= 0 && weights.size() == 1) {
            return weights;
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        int others = 0;
        for (var e : weights.entrySet()) {
            if (e.getKey().equals(to)) {
                continue;
            }
            // a cluster with traffic keeps at least 1: at 0 it would leave the placement and lose its objects
            int w = e.getValue() <= 0 ? 0 : Math.max(1, Math.min(e.getValue(), floor));
            out.put(e.getKey(), w);
            others += w;
        }
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (String k : weights.keySet()) {
            ordered.put(k, k.equals(to) ? Math.max(0, 100 - others) : out.get(k));
        }
        return ordered;
    }
}
