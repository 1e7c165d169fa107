package io.recoflow.operator.model;

import io.recoflow.common.contract.Serving;
import io.recoflow.common.contract.ServingConfig;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.operator.model.rollout.SlotPlan;

/**
 * The two files of a slot's ConfigMap. {@code models.config}: TF Serving's model config (text protobuf; versions
 * selected by path with {@code model_version_policy.specific} and labelled stable/canary). {@code serving.json}:
 * the {@link ServingConfig} contract the recommendation service reads (served versions and the canary split).
 */
public final class ModelConfig {
    private ModelConfig() {}

    public static String text(String model, SlotPlan plan) {
        StringBuilder b = new StringBuilder();
        b.append("model_config_list {\n");
        b.append("  config {\n");
        b.append("    name: \"").append(model).append("\"\n");
        b.append("    base_path: \"").append(basePath(plan.uri())).append("\"\n");
        b.append("    model_platform: \"tensorflow\"\n");
        b.append("    model_version_policy {\n");
        b.append("      specific {\n");
        for (long v : plan.versions()) {
            b.append("        versions: ").append(v).append('\n');
        }
        b.append("      }\n");
        b.append("    }\n");
        label(b, Serving.STABLE_LABEL, plan.stable());
        if (plan.canary() != null) {
            label(b, Serving.CANARY_LABEL, plan.canary());
        }
        b.append("  }\n");
        b.append("}\n");
        return b.toString();
    }

    public static ServingConfig serving(RecommendationModel rm, SlotPlan plan) {
        boolean embedded = rm.getSpec().runtime == Runtime.EMBEDDED;
        String endpoint = embedded ? null : "http://" + Names.service(rm) + "." + rm.getMetadata().getNamespace()
                + ".svc:" + Ports.TFS_REST;
        return new ServingConfig(rm.getSpec().model, embedded ? Serving.RUNTIME_EMBEDDED : Serving.RUNTIME_TF_SERVING,
                endpoint, plan.stable(), plan.canary(), plan.canaryWeight(), plan.versions());
    }

    /** TF-Serving reads local paths without a scheme; s3:// (and abfss:// through a filesystem plugin) as is. */
    public static String basePath(String uri) {
        return uri.startsWith("file://") ? uri.substring("file://".length()) : uri;
    }

    private static void label(StringBuilder b, String key, long version) {
        b.append("    version_labels {\n");
        b.append("      key: \"").append(key).append("\"\n");
        b.append("      value: ").append(version).append('\n');
        b.append("    }\n");
    }
}
