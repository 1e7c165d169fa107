package io.recoflow.operator.placement;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.core.Labels;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on member clusters for the objects one kind of primary places there, started when a primary first
 * needs a cluster, and an event source that wakes the primary an event's annotations name ({@link Placed}).
 * Starting never blocks: an informer that has not synced (a member that is down) reports {@link #synced} false,
 * and the reconciler leaves that cluster alone until it has.
 *
 * @param <P> the primary kind
 */
public final class MemberInformers<P extends HasMetadata> extends AbstractEventSource<Void, P> {
    private static final Logger LOG = LoggerFactory.getLogger(MemberInformers.class);

    private final String kind;
    private final Map<Key, Entry<?>> informers = new ConcurrentHashMap<>();

    private record Key(String cluster, Class<?> type) {}

    /** @param written our writes not yet echoed by the informer: read instead of the store until they are */
    private record Entry<R extends HasMetadata>(KubernetesClient client, SharedIndexInformer<R> informer,
            Map<String, R> written) {}

    public MemberInformers(Class<P> primary, String kind) {
        super(Void.class, "members-" + primary.getSimpleName().toLowerCase());
        this.kind = kind;
    }

    /** The cache of {@code type} objects in {@code cluster}, reading through {@code client}'s informer. */
    @SuppressWarnings("unchecked")
    public <R extends HasMetadata> Dependent.Cache<R> cache(String cluster, KubernetesClient client, Class<R> type) {
        Entry<R> e = (Entry<R>) informers.compute(new Key(cluster, type), (k, old) -> {
            // an informer started while the member was down gives up after its first failed list: start another
            if (old != null && old.client() == client && (old.informer().isRunning()
                    || !old.informer().stopped().toCompletableFuture().isDone())) {
                return old;
            }
            if (old != null) {
                old.informer().stop();
            }
            return start(client.resources(type).inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                    .runnableInformer(0), client, type.getSimpleName());
        });
        return view(e);
    }

    private <R extends HasMetadata> Dependent.Cache<R> view(Entry<R> e) {
        return new Dependent.Cache<>() {
            @Override
            public Optional<R> get(ResourceID id) {
                String key = id.getNamespace().orElse("") + "/" + id.getName();
                R mine = e.written().get(key);
                return Optional.ofNullable(mine != null ? mine : e.informer().getStore().getByKey(key));
            }

            @Override
            public void created(ResourceID primary, R created) {
                remember(e, created);
            }

            @Override
            public void updated(ResourceID primary, R updated, R previous) {
                remember(e, updated);
            }
        };
    }

    /**
     * The cache of a kind known only by apiVersion/kind (a third-party CRD such as ExternalDNS's DNSEndpoint): its
     * informer does not sync while the CRD is not installed, and {@link #synced(String, String)} says so.
     */
    public Dependent.Cache<GenericKubernetesResource> cache(String cluster, KubernetesClient client, String apiVersion,
            String kind) {
        @SuppressWarnings("unchecked")
        Entry<GenericKubernetesResource> e = (Entry<GenericKubernetesResource>) informers.computeIfAbsent(
                new Key(cluster + "|" + apiVersion + "/" + kind, GenericKubernetesResource.class),
                k -> start(client.genericKubernetesResources(apiVersion, kind).inAnyNamespace()
                        .withLabel(Labels.MANAGED_BY, Labels.OPERATOR).runnableInformer(0), client, kind));
        return view(e);
    }

    public boolean synced(String cluster, String apiVersionKind) {
        Entry<?> e = informers.get(new Key(cluster + "|" + apiVersionKind, GenericKubernetesResource.class));
        return e != null && e.informer().hasSynced();
    }

    /** Whether every informer started for {@code cluster} has listed its objects (the member answered). */
    public boolean synced(String cluster) {
        return informers.entrySet().stream().filter(en -> en.getKey().cluster().equals(cluster)
                        && en.getKey().type() != GenericKubernetesResource.class)
                .allMatch(en -> en.getValue().informer().hasSynced());
    }

    /** Stops the informers of a cluster whose client went away or changed. */
    public void forget(String cluster) {
        informers.entrySet().removeIf(en -> {
            if (en.getKey().cluster().equals(cluster) || en.getKey().cluster().startsWith(cluster + "|")) {
                en.getValue().informer().stop();
                return true;
            }
            return false;
        });
    }

    @Override
    public java.util.Set<Void> getSecondaryResources(P primary) {
        return java.util.Set.of();
    }

    @Override
    public void stop() {
        informers.values().forEach(e -> e.informer().stop());
        informers.clear();
        super.stop();
    }

    /** Our write goes into the store at once (the next reconcile must not write again), and its echo is not news. */
    private static <R extends HasMetadata> void remember(Entry<R> e, R written) {
        e.written().put(key(written), written);
    }

    private <R extends HasMetadata> Entry<R> start(SharedIndexInformer<R> informer, KubernetesClient client,
            String type) {
        Map<String, R> written = new ConcurrentHashMap<>();
        informer.addEventHandler(new ResourceEventHandler<R>() {
            @Override
            public void onAdd(R obj) {
                changed(obj, written);
            }

            @Override
            public void onUpdate(R before, R now) {
                changed(now, written);
            }

            @Override
            public void onDelete(R obj, boolean unknownFinalState) {
                written.remove(key(obj));
                wake(obj);
            }
        });
        informer.start().whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("informer for {} did not start: {}", type, error.toString());
            }
        });
        return new Entry<>(client, informer, written);
    }

    /** The informer caught up with the object: the store is the truth again. Our own echo wakes nobody. */
    private <R extends HasMetadata> void changed(R obj, Map<String, R> written) {
        R mine = written.remove(key(obj));
        if (mine != null && java.util.Objects.equals(mine.getMetadata().getResourceVersion(),
                obj.getMetadata().getResourceVersion())) {
            return;
        }
        wake(obj);
    }

    /** Reconciles a primary now (e.g. a member it is placed on became unreachable: no event of its own comes). */
    public void wake(ResourceID primary) {
        if (isRunning()) {
            getEventHandler().handleEvent(new Event(primary));
        }
    }

    private void wake(HasMetadata obj) {
        if (!isRunning()) {
            return;
        }
        Placed.primary(obj, kind).ifPresent(id -> getEventHandler().handleEvent(new Event(id)));
    }

    private static String key(HasMetadata obj) {
        return obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
    }
}
