package io.recoflow.operator.render;

import io.recoflow.operator.api.RecommendationModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** Standard app.kubernetes.io labels plus the slot that tells blue from green. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String VERSION = "app.kubernetes.io/version";
    public static final String SLOT = "recoflow.io/slot";
    public static final String OPERATOR = "recoflow-operator";
    /** Informers select on this so the operator caches only what it manages. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    private Labels() {}

    public static Map<String, String> of(RecommendationModel rm) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(NAME, "recommendation-model");
        m.put(INSTANCE, rm.getMetadata().getName());
        m.put(COMPONENT, "model-server");
        m.put(PART_OF, "recoflow");
        m.put(MANAGED_BY, OPERATOR);
        return m;
    }

    public static Map<String, String> of(RecommendationModel rm, String slot) {
        Map<String, String> m = of(rm);
        m.put(SLOT, slot);
        return m;
    }

    /** The selector of a slot's pods; immutable on a Deployment, so it never includes a version. */
    public static Map<String, String> selector(RecommendationModel rm, String slot) {
        return Map.of(INSTANCE, rm.getMetadata().getName(), SLOT, slot);
    }
}
