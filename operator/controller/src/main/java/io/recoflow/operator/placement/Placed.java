package io.recoflow.operator.placement;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Owner references do not cross clusters: an object written into a member names its primary in annotations (the
 * pattern of JOSDK's multi-cluster sample), and the member's informer maps events back with them.
 */
public final class Placed {
    public static final String PRIMARY_NAME = "recoflow.io/primary-name";
    public static final String PRIMARY_NAMESPACE = "recoflow.io/primary-namespace";
    public static final String PRIMARY_KIND = "recoflow.io/primary-kind";
    /** The hub cluster's name, on member objects, so that two hubs never fight over one member's objects. */
    public static final String CLUSTER = "recoflow.io/cluster";

    private Placed() {}

    /** The object as written into cluster {@code cluster}: the hub keeps the owner reference, members get annotations. */
    public static <R extends HasMetadata> R in(String cluster, HasMetadata primary, R rendered) {
        if (io.recoflow.operator.api.placement.ClusterTarget.LOCAL.equals(cluster)) {
            return rendered;
        }
        rendered.getMetadata().setOwnerReferences(null);
        annotate(primary, rendered).getMetadata().getAnnotations().put(CLUSTER, cluster);
        return rendered;
    }

    /** Names the primary in annotations, which is how {@link MemberInformers} maps an event back to it. */
    public static <R extends HasMetadata> R annotate(HasMetadata primary, R rendered) {
        Map<String, String> a = new HashMap<>();
        if (rendered.getMetadata().getAnnotations() != null) {
            a.putAll(rendered.getMetadata().getAnnotations());
        }
        a.put(PRIMARY_NAME, primary.getMetadata().getName());
        a.put(PRIMARY_NAMESPACE, primary.getMetadata().getNamespace());
        a.put(PRIMARY_KIND, primary.getKind());
        rendered.getMetadata().setAnnotations(a);
        return rendered;
    }

    /** The primary a member object belongs to, if it is one of ours for that kind. */
    public static Optional<ResourceID> primary(HasMetadata member, String kind) {
        var a = member.getMetadata().getAnnotations();
        if (a == null || !kind.equals(a.get(PRIMARY_KIND)) || a.get(PRIMARY_NAME) == null) {
            return Optional.empty();
        }
        return Optional.of(new ResourceID(a.get(PRIMARY_NAME), a.get(PRIMARY_NAMESPACE)));
    }
}
