package io.recoflow.operator.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.recoflow.operator.api.RecommendationModel;
import java.util.Map;

/** Metadata of an owned object: same namespace, controller owner reference (garbage collection), labels. */
final class Owners {
    private Owners() {}

    static ObjectMeta meta(RecommendationModel rm, String name, Map<String, String> labels) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(rm.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(ref(rm))
                .build();
    }

    static OwnerReference ref(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
