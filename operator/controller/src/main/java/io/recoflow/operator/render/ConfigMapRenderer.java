package io.recoflow.operator.render;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.rollout.SlotPlan;
import java.util.LinkedHashMap;
import java.util.Map;

public final class ConfigMapRenderer {
    private ConfigMapRenderer() {}

    public static ConfigMap render(RecommendationModel rm, SlotPlan plan) {
        String model = rm.getSpec().model;
        Map<String, String> data = new LinkedHashMap<>();
        data.put(ModelConfig.CONFIG_KEY, ModelConfig.text(model, plan));
        data.put(ModelConfig.ROUTING_KEY, ModelConfig.routing(model, plan));
        return new ConfigMapBuilder()
                .withMetadata(Owners.meta(rm, Names.configMap(rm, plan.slot()), Labels.of(rm, plan.slot())))
                .withData(data)
                .build();
    }
}
