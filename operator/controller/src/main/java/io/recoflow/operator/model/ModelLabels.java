package io.recoflow.operator.model;

import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.core.Labels;
import java.util.Map;

/** Labels of a RecommendationModel's objects: the standard ones plus the slot that tells blue from green. */
public final class ModelLabels {
    public static final String SLOT = "recoflow.io/slot";

    private ModelLabels() {}

    public static Map<String, String> of(RecommendationModel rm) {
        return Labels.of(rm, "recommendation-model", "model-server");
    }

    public static Map<String, String> of(RecommendationModel rm, String slot) {
        Map<String, String> m = of(rm);
        m.put(SLOT, slot);
        return m;
    }

    /** The selector of a slot's pods; immutable on a Deployment, so it never includes a version. */
    public static Map<String, String> selector(RecommendationModel rm, String slot) {
        return Map.of(Labels.INSTANCE, rm.getMetadata().getName(), SLOT, slot);
    }
}
