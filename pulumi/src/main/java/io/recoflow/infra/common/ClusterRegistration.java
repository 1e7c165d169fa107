package io.recoflow.infra.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a stack's cluster joins the operator's hub as a member: the stack outputs `clusterTarget`, the cluster-scoped
 * ClusterTarget object (recoflow.io/v1alpha1), and `clusterTargetSecret`, the Secret in the hub holding the
 * member's kubeconfig, both as the manifests `kubectl apply -f -` takes. The shape is the CRD's
 * (crds/clustertargets.recoflow.io-v1.yml); this module cannot depend on operator/api at runtime (the Pulumi CLI
 * builds it standalone), so ClusterTargetManifestTest reads both manifests into the CR classes and checks them
 * against the CRD's schema.
 *
 * @param endpoint           base URL clients reach the member's model Services at (recoflow:servingEndpoint); the
 *                           stacks create no ingress or load balancer, so it is empty unless configured
 * @param costPerCoreHourUSD list price of one vCPU-hour of the nodes model pods run on, when priced
 * @param labels             the stack's tags (env, owner, cost-center ...), for selecting clusters by
 */
public record ClusterRegistration(String name, String cloud, String region, Optional<String> endpoint,
                                  OptionalDouble costPerCoreHourUSD, Map<String, String> labels) {
    public static final String API_VERSION = "recoflow.io/v1alpha1";
    public static final String KIND = "ClusterTarget";
    public static final String SECRET_NAMESPACE = Workload.SYSTEM_NAMESPACE;
    public static final String SECRET_KEY = "kubeconfig";
    /** spec.endpoint's pattern and maxLength in the CRD. */
    private static final Pattern ENDPOINT = Pattern.compile("^https?://[^\\s]+$");

    public static boolean isEndpoint(String url) {
        return url.length() <= 253 && ENDPOINT.matcher(url).matches();
    }

    public String secretName() {
        return "cluster-" + name;
    }

    /** The ClusterTarget; no secret in it (the kubeconfig is only referenced). */
    public Map<String, Object> clusterTarget() {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("cloud", cloud);
        spec.put("region", region);
        spec.put("kubeconfigSecretRef", ordered("namespace", SECRET_NAMESPACE, "name", secretName(), "key", SECRET_KEY));
        endpoint.ifPresent(e -> spec.put("endpoint", e));
        costPerCoreHourUSD.ifPresent(c -> spec.put("costPerCoreHourUSD", c));
        if (!labels.isEmpty()) spec.put("labels", new TreeMap<>(labels));
        return manifest(API_VERSION, KIND, ordered("name", name), "spec", spec);
    }

    /** The Secret the ClusterTarget points at; export it as a secret output. */
    public Map<String, Object> secret(String kubeconfig) {
        var out = manifest("v1", "Secret", ordered("name", secretName(), "namespace", SECRET_NAMESPACE),
                "type", "Opaque");
        out.put("stringData", ordered(SECRET_KEY, kubeconfig));
        return out;
    }

    private static Map<String, Object> manifest(String apiVersion, String kind, Map<String, Object> metadata,
                                                String key, Object value) {
        var m = ordered("apiVersion", apiVersion, "kind", kind, "metadata", metadata);
        m.put(key, value);
        return m;
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
