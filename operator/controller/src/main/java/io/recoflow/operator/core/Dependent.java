package io.recoflow.operator.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of object owned by primaries of kind P, backed by an informer: reads come from its cache, so a
 * steady-state reconcile sends nothing. An object is written only when what we render changed: the rendered
 * object's hash is stored in an annotation, and comparing to it (instead of to the live object) ignores fields the
 * API server defaults. What the operator wrote goes into the informer's cache at once
 * ({@code handleRecentResource*}), so the next reconcile does not see its own write as missing and the event of
 * that write does not trigger another reconcile.
 *
 * <p>Plain create/update rather than server-side apply: the fabric8 CRUD mock that the tests and the demo run
 * against has no apply-patch, and the hash makes SSA's field ownership unnecessary for these objects.
 *
 * @param <R> the owned kind
 * @param <P> the owner kind
 */
public final class Dependent<R extends HasMetadata, P extends HasMetadata> {
    public static final String HASH = "recoflow.io/applied-hash";
    private static final Logger LOG = LoggerFactory.getLogger(Dependent.class);
    private static final ObjectMapper SORTED = Serialization.jsonMapper().copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * Where a Dependent reads the live objects and records its own writes: the hub's JOSDK informer, or a member
     * cluster's informer (placement/).
     */
    public interface Cache<R> {
        Optional<R> get(ResourceID id);

        void created(ResourceID primary, R created);

        void updated(ResourceID primary, R updated, R previous);
    }

    private final Class<R> type;
    private final KubernetesClient client;
    private final BinaryOperator<R> carry;
    private final InformerEventSource<R, P> source;
    private final Cache<R> cache;

    /**
     * @param carry copies from the live object what the API server or another controller owns (a Service's
     *     cluster IP, replicas an HPA set) into the desired one before an update; (desired, live) -> desired
     */
    private Dependent(Class<R> type, KubernetesClient client, BinaryOperator<R> carry, InformerEventSource<R, P> source,
            Cache<R> cache) {
        this.type = type;
        this.client = client;
        this.carry = carry;
        this.source = source;
        this.cache = cache;
    }

    /** An informer on the operator's objects of {@code type} (label-selected), mapped to their controller owner. */
    public static <R extends HasMetadata, P extends HasMetadata> Dependent<R, P> of(Class<R> type, Class<P> owner,
            EventSourceContext<P> context, BinaryOperator<R> carry) {
        var source = new InformerEventSource<>(InformerEventSourceConfiguration.from(type, owner)
                .withName(type.getSimpleName().toLowerCase())
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(owner))
                .build(), context);
        Cache<R> cache = new Cache<>() {
            @Override
            public Optional<R> get(ResourceID id) {
                return source.get(id);
            }

            @Override
            public void created(ResourceID primary, R created) {
                source.handleRecentResourceCreate(primary, created);
            }

            @Override
            public void updated(ResourceID primary, R updated, R previous) {
                source.handleRecentResourceUpdate(primary, updated, previous);
            }
        };
        return new Dependent<>(type, context.getClient(), carry, source, cache);
    }

    /** Objects of {@code type} in another cluster: written through its client, read from its cache. */
    public static <R extends HasMetadata, P extends HasMetadata> Dependent<R, P> of(Class<R> type,
            KubernetesClient client, Cache<R> cache, BinaryOperator<R> carry) {
        return new Dependent<>(type, client, carry, null, cache);
    }

    public static <R extends HasMetadata, P extends HasMetadata> Dependent<R, P> of(Class<R> type, Class<P> owner,
            EventSourceContext<P> context) {
        return of(type, owner, context, (desired, live) -> desired);
    }

    /** The hub informer (null for another cluster's objects). */
    public InformerEventSource<R, P> source() {
        return source;
    }

    public Class<R> type() {
        return type;
    }

    /** The cached object, if the informer has it. */
    public Optional<R> get(String namespace, String name) {
        return cache.get(new ResourceID(name, namespace));
    }

    /**
     * Creates or updates {@code desired} when its rendering changed since the last write.
     *
     * @return true when something was written
     */
    public boolean apply(P owner, R desired) {
        String hash = hash(desired);
        Map<String, String> annotations = new HashMap<>();
        if (desired.getMetadata().getAnnotations() != null) {
            annotations.putAll(desired.getMetadata().getAnnotations());
        }
        annotations.put(HASH, hash);
        desired.getMetadata().setAnnotations(annotations);
        ResourceID owned = ResourceID.fromResource(desired);
        ResourceID primary = ResourceID.fromResource(owner);
        R live = cache.get(owned).orElse(null);
        if (live == null) {
            LOG.debug("create {} {}", desired.getKind(), desired.getMetadata().getName());
            R created = client.resource(desired).create();
            cache.created(primary, created);
            return true;
        }
        if (live.getMetadata().getAnnotations() != null && hash.equals(live.getMetadata().getAnnotations().get(HASH))) {
            return false;
        }
        R next = carry.apply(desired, live);
        next.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        LOG.debug("update {} {}", desired.getKind(), desired.getMetadata().getName());
        R updated = client.resource(next).update();
        cache.updated(primary, updated, live);
        return true;
    }

    /** Deletes the object if the cache has it (no request for what is already gone). */
    public boolean delete(String namespace, String name) {
        if (get(namespace, name).isEmpty()) {
            return false;
        }
        LOG.debug("delete {} {}", type.getSimpleName(), name);
        client.resources(type).inNamespace(namespace).withName(name).delete();
        return true;
    }

    /** The hash a rendering is stored under; deterministic across restarts (map entries sorted). */
    public static String hash(HasMetadata rendered) {
        try {
            return sha256(SORTED.writeValueAsString(rendered));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** First 16 hex digits of SHA-256: enough to tell renderings apart, short enough for an annotation. */
    public static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the cached object was written from this rendering. */
    public static boolean rendered(HasMetadata live, HasMetadata desired) {
        var a = live.getMetadata().getAnnotations();
        return a != null && hash(desired).equals(a.get(HASH));
    }
}
