package io.recoflow.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/** Standard app.kubernetes.io labels of an object the operator renders for an owner of any kind. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String VERSION = "app.kubernetes.io/version";
    public static final String OPERATOR = "recoflow-operator";
    /** Informers select on this so the operator caches only what it manages. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    private Labels() {}

    /**
     * @param name what the object is (app.kubernetes.io/name), e.g. recommendation-model
     * @param component its role, e.g. model-server
     */
    public static Map<String, String> of(HasMetadata owner, String name, String component) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(NAME, name);
        m.put(INSTANCE, owner.getMetadata().getName());
        m.put(COMPONENT, component);
        m.put(PART_OF, "recoflow");
        m.put(MANAGED_BY, OPERATOR);
        return m;
    }
}
