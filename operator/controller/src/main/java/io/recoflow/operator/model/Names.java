package io.recoflow.operator.model;

import io.recoflow.operator.api.RecommendationModel;

/**
 * Object names: the Service and HPA carry the model's name; each slot has a Deployment and ConfigMap; the routing
 * ConfigMap (tensorflow-serving only) keeps one name whatever slot is active, for clients to mount.
 */
public final class Names {
    private Names() {}

    public static String service(RecommendationModel rm) {
        return rm.getMetadata().getName();
    }

    public static String hpa(RecommendationModel rm) {
        return rm.getMetadata().getName();
    }

    public static String deployment(RecommendationModel rm, String slot) {
        return rm.getMetadata().getName() + "-" + slot;
    }

    public static String configMap(RecommendationModel rm, String slot) {
        return rm.getMetadata().getName() + "-" + slot;
    }

    public static String routing(RecommendationModel rm) {
        return rm.getMetadata().getName() + "-routing";
    }

    /** The experiment file's ConfigMap: one name whatever slot is active, mounted by the serving pods. */
    public static String experiment(RecommendationModel rm) {
        return rm.getMetadata().getName() + "-experiment";
    }
}
