package io.recoflow.operator.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.render.ModelConfig;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates an owned object only when what we render changed. The rendered object's hash is stored in an
 * annotation: comparing to it (instead of to the live object) ignores fields the API server defaults, so a
 * steady-state reconcile writes nothing. Plain create/update works on any API server (and the CRUD mock, which
 * has no server-side apply).
 */
public final class Applier {
    public static final String HASH = "recoflow.io/applied-hash";
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
    private static final ObjectMapper SORTED = Serialization.jsonMapper().copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final KubernetesClient client;

    public Applier(KubernetesClient client) {
        this.client = client;
    }

    /** @return true when something was written */
    public <T extends HasMetadata> boolean apply(T desired) {
        String hash = hash(desired);
        Map<String, String> annotations = new HashMap<>();
        if (desired.getMetadata().getAnnotations() != null) {
            annotations.putAll(desired.getMetadata().getAnnotations());
        }
        annotations.put(HASH, hash);
        desired.getMetadata().setAnnotations(annotations);
        T live = client.resource(desired).get();
        if (live == null) {
            LOG.debug("create {} {}", desired.getKind(), desired.getMetadata().getName());
            client.resource(desired).create();
            return true;
        }
        if (live.getMetadata().getAnnotations() != null
                && hash.equals(live.getMetadata().getAnnotations().get(HASH))) {
            return false;
        }
        if (desired instanceof Deployment d && live instanceof Deployment l && keepsReplicas(l)) {
            d.getSpec().setReplicas(l.getSpec().getReplicas());
        }
        if (desired instanceof Service s && live instanceof Service l) {
            // allocated by the API server and immutable: a PUT without them is rejected
            s.getSpec().setClusterIP(l.getSpec().getClusterIP());
            s.getSpec().setClusterIPs(l.getSpec().getClusterIPs());
        }
        desired.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        LOG.debug("update {} {}", desired.getKind(), desired.getMetadata().getName());
        client.resource(desired).update();
        return true;
    }

    public <T extends HasMetadata> void delete(Class<T> kind, String namespace, String name) {
        client.resources(kind).inNamespace(namespace).withName(name).delete();
    }

    /** Deterministic across restarts: map entries are sorted before hashing. */
    public static String hash(HasMetadata rendered) {
        try {
            return ModelConfig.hash(SORTED.writeValueAsString(rendered));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HPA owns replicas once it exists; the operator must not reset them on every template change. */
    private static boolean keepsReplicas(Deployment live) {
        return live.getMetadata().getAnnotations() != null
                && "true".equals(live.getMetadata().getAnnotations().get(HPA_OWNED));
    }

    public static final String HPA_OWNED = "recoflow.io/replicas-owned-by-hpa";
}
