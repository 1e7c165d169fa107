package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.recoflow.common.contract.ExperimentConfig;
import io.recoflow.common.contract.Serving;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.core.Owners;
import io.recoflow.operator.model.rollout.SlotPlan;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ConfigMaps of a RecommendationModel: one per slot (mounted by its pods) and the clients' routing file. */
public final class ConfigMapRenderer {
    private ConfigMapRenderer() {}

    public static ConfigMap render(RecommendationModel rm, SlotPlan plan) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(Serving.TFS_CONFIG_KEY, ModelConfig.text(rm.getSpec().model, plan));
        data.put(Serving.SERVING_KEY, ModelConfig.serving(rm, plan).toJson());
        return new ConfigMapBuilder()
                .withMetadata(Owners.meta(rm, Names.configMap(rm, plan.slot()), ModelLabels.of(rm, plan.slot())))
                .withData(data)
                .build();
    }

    /**
     * The experiment file of the shared contract ({@link ExperimentConfig}), rendered with or without an experiment:
     * the pods mount it from their start, so a split that begins, changes weights or ends reaches them through the
     * kubelet's ConfigMap refresh, with no pod restart.
     */
    public static ConfigMap experiment(RecommendationModel rm, ExperimentConfig experiments) {
        return new ConfigMapBuilder()
                .withMetadata(Owners.meta(rm, Names.experiment(rm), ModelLabels.of(rm)))
                .withData(Map.of(Serving.EXPERIMENTS_KEY, experiments.toJson()))
                .build();
    }

    /**
     * tensorflow-serving only: the active slot's {@code serving.json} under a name that does not change with the
     * slot, for the recommendation service (a client of TF Serving) to mount and split traffic by.
     */
    public static ConfigMap routing(RecommendationModel rm, SlotPlan active) {
        return new ConfigMapBuilder()
                .withMetadata(Owners.meta(rm, Names.routing(rm), ModelLabels.of(rm)))
                .withData(Map.of(Serving.SERVING_KEY, ModelConfig.serving(rm, active).toJson()))
                .build();
    }
}
