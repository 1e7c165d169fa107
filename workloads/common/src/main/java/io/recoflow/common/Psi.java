package io.recoflow.common;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Population stability index between a reference item distribution (a model's {@link ModelMetadata#itemShares()})
 * and a current one (e.g. the recent popularity window the feature worker keeps in Redis):
 *
 * <pre>PSI = Σ_b (c_b − r_b) · ln(c_b / r_b)</pre>
 *
 * over the reference's bins b, with r_b and c_b the shares of the reference and the current weights. A current item
 * that is not a reference bin counts under {@link ModelMetadata#OTHER_ITEMS}, so both sides are binned alike even
 * though the reference names only its largest items. An empty bin would make the logarithm infinite, so a share below
 * {@link #EPSILON} counts as {@link #EPSILON} (shares are not renormalised afterwards; the usual convention). Common
 * reading (from credit scoring): below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a large one.
 */
public final class Psi {
    /** The share an empty bin counts with. */
    public static final double EPSILON = 1e-4;

    private Psi() {}

    /**
     * Weights as shares: the {@code top} largest items by name (ties by id), largest first, the rest summed under
     * {@link ModelMetadata#OTHER_ITEMS} (present only when something is left over).
     */
    public static Map<String, Double> shares(Map<String, Double> weights, int top) {
        double total = total(weights);
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(weights.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> out = new LinkedHashMap<>();
        double other = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Map.Entry<String, Double> e = sorted.get(i);
            if (i < top && !e.getKey().equals(ModelMetadata.OTHER_ITEMS)) {
                out.put(e.getKey(), e.getValue() / total);
            } else {
                other += e.getValue();
            }
        }
        if (other > 0) {
            out.merge(ModelMetadata.OTHER_ITEMS, other / total, Double::sum);
        }
        return out;
    }

    /**
     * @param reference shares or weights per bin (normalised here)
     * @param current weights or shares per item (normalised here); items outside the reference's bins count under
     *     {@link ModelMetadata#OTHER_ITEMS}
     * @throws IllegalArgumentException when either side has no positive weight, or a weight is negative
     */
    public static double of(Map<String, Double> reference, Map<String, Double> current) {
        double rTotal = total(reference);
        double cTotal = total(current);
        Map<String, Double> binned = new HashMap<>();
        current.forEach((item, w) -> binned.merge(reference.containsKey(item) ? item : ModelMetadata.OTHER_ITEMS, w,
                Double::sum));
        double psi = 0;
        for (String bin : union(reference, binned)) {
            double r = Math.max(EPSILON, reference.getOrDefault(bin, 0.0) / rTotal);
            double c = Math.max(EPSILON, binned.getOrDefault(bin, 0.0) / cTotal);
            psi += (c - r) * Math.log(c / r);
        }
        return psi;
    }

    private static List<String> union(Map<String, Double> a, Map<String, Double> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
        return keys;
    }

    private static double total(Map<String, Double> weights) {
        double t = 0;
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (!(e.getValue() >= 0)) {
                throw new IllegalArgumentException("negative or missing weight for " + e.getKey());
            }
            t += e.getValue();
        }
        if (!(t > 0)) {
            throw new IllegalArgumentException("distribution has no weight");
        }
        return t;
    }
}
