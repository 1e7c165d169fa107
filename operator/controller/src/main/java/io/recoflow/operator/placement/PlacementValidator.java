package io.recoflow.operator.placement;

import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.spec.PlacementCluster;
import io.recoflow.operator.core.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The CRD's rules on {@code spec.placement} again in Java, for every kind that has one (see {@link Validator}). */
public final class PlacementValidator {
    static final Pattern CLUSTER = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    private PlacementValidator() {}

    public static void check(List<String> errors, Placement p) {
        if (p == null) {
            return;
        }
        if (p.clusters == null || p.clusters.isEmpty()) {
            errors.add("spec.placement.clusters: at least one cluster");
            return;
        }
        if (p.clusters.size() > 16) {
            errors.add("spec.placement.clusters: at most 16 clusters");
        }
        int sum = 0;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < p.clusters.size(); i++) {
            PlacementCluster c = p.clusters.get(i);
            String path = "spec.placement.clusters[" + i + "]";
            if (c == null || c.name == null || c.weight == null) {
                errors.add(path + ": name and weight are required");
                continue;
            }
            if (!CLUSTER.matcher(c.name).matches()) {
                errors.add(path + ".name: must be a DNS label");
            }
            if (!names.add(c.name)) {
                errors.add("spec.placement.clusters: cluster names must be unique");
            }
            Validator.range(errors, path + ".weight", c.weight, 0, 100);
            sum += c.weight;
        }
        if (sum != 100) {
            errors.add("spec.placement.clusters: cluster weights must sum to 100 (got " + sum + ")");
        }
    }
}
