package io.recoflow.operator.render;

import io.recoflow.operator.rollout.SlotPlan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The TF-Serving model config (text protobuf) of a slot: versions are selected by path with
 * {@code model_version_policy.specific}, and labelled {@code stable}/{@code canary}. Also the routing contract
 * clients read to split traffic between the labels.
 */
public final class ModelConfig {
    public static final String CONFIG_KEY = "models.config";
    public static final String ROUTING_KEY = "routing.json";
    public static final String MOUNT = "/etc/recoflow";

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
        label(b, "stable", plan.stable());
        if (plan.canary() != null) {
            label(b, "canary", plan.canary());
        }
        b.append("  }\n");
        b.append("}\n");
        return b.toString();
    }

    /** Traffic split for clients: send canaryWeight percent of requests to version label "canary". */
    public static String routing(String model, SlotPlan plan) {
        return "{\"model\":\"" + model + "\",\"stable\":" + plan.stable()
                + (plan.canary() == null ? "" : ",\"canary\":" + plan.canary())
                + ",\"canaryWeight\":" + plan.canaryWeight() + "}\n";
    }

    /** TF-Serving reads local paths without a scheme; s3:// (and abfss:// through a filesystem plugin) as is. */
    public static String basePath(String uri) {
        return uri.startsWith("file://") ? uri.substring("file://".length()) : uri;
    }

    public static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void label(StringBuilder b, String key, long version) {
        b.append("    version_labels {\n");
        b.append("      key: \"").append(key).append("\"\n");
        b.append("      value: ").append(version).append('\n');
        b.append("    }\n");
    }
}
