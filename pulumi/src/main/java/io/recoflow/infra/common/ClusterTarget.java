package io.recoflow.infra.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stack output `clusterTarget`: everything the operator needs to register a cluster, without secrets. The
 * kubeconfig itself is the separate secret output `kubeconfig`; the platform team stores it in the Secret named by
 * `kubeconfigSecretRef` (see docs/infrastructure.md), and the operator reads it from there.
 */
public record ClusterTarget(String name, String cloud, String region, String apiServer,
                            String redisHost, int redisPort, String kafkaBootstrap, String kafkaAuth) {
    public static final String SECRET_NAMESPACE = Workload.SYSTEM_NAMESPACE;
    public static final String SECRET_KEY = "kubeconfig";

    public String kubeconfigSecretName() {
        return "cluster-" + name;
    }

    public Map<String, Object> toMap() {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", name);
        m.put("cloud", cloud);
        m.put("region", region);
        m.put("apiServer", apiServer);
        m.put("kubeconfigSecretRef", Map.of("namespace", SECRET_NAMESPACE, "name", kubeconfigSecretName(), "key", SECRET_KEY));
        m.put("redis", Map.of("host", redisHost, "port", redisPort, "tls", true));
        m.put("kafka", Map.of("bootstrapServers", kafkaBootstrap, "auth", kafkaAuth, "tls", true));
        return m;
    }
}
