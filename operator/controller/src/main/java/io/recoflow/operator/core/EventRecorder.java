package io.recoflow.operator.core;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about our resources. A repeat of the same (object, type, reason, message) bumps
 * {@code count} and {@code lastTimestamp} of the Event already written, as Kubernetes' own recorder does, instead
 * of piling up new objects (a flapping Deployment would otherwise write one Event per reconcile). A failed write
 * is logged and never fails the reconcile. Events about a cluster-scoped object (a ClusterTarget) go to the
 * {@code default} namespace, as Kubernetes' own recorder puts them.
 */
public final class EventRecorder {
    public enum Type { Normal, Warning }

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    public static final String COMPONENT = "recoflow-operator";
    /** Repeats remembered; the oldest is forgotten first (its next repeat then starts a new Event). */
    private static final int REMEMBERED = 4096;
    private static final AtomicLong SEQ = new AtomicLong();

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<Key, Written> written = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Key(String uid, String namespace, String name, Type type, Reason reason, String message) {}

    private record Written(Event event, int count) {}

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void normal(HasMetadata about, Reason reason, String message) {
        record(about, Type.Normal, reason, message);
    }

    public void warning(HasMetadata about, Reason reason, String message) {
        record(about, Type.Warning, reason, message);
    }

    public void record(HasMetadata about, Type type, Reason reason, String message) {
        String ns = namespaceOf(about);
        Key key = new Key(about.getMetadata().getUid(), ns, about.getMetadata().getName(), type, reason, message);
        String now = clock.instant().toString();
        LOG.info("{} {} {}/{}: {}", type, reason, about.getKind(), about.getMetadata().getName(), message);
        Written before;
        synchronized (written) {
            before = written.get(key);
        }
        try {
            if (before != null && bump(ns, before, now)) {
                remember(key, new Written(before.event(), before.count() + 1));
                return;
            }
            String name = about.getMetadata().getName() + "." + Long.toHexString(System.currentTimeMillis())
                    + Long.toHexString(SEQ.incrementAndGet());
            Event event = event(about, name, type, reason, message, now);
            client.v1().events().inNamespace(ns).resource(event).create();
            remember(key, new Written(event, 1));
        } catch (KubernetesClientException e) {
            LOG.warn("could not record event {} on {}: {}", reason, about.getMetadata().getName(), e.getMessage());
        }
    }

    /** @return false when the Event is gone (expired after its TTL): the caller creates a new one */
    private boolean bump(String ns, Written w, String now) {
        try {
            // on the Event we hold, so the client does not GET it first
            client.v1().events().inNamespace(ns).resource(w.event()).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"count\":" + (w.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void remember(Key key, Written w) {
        synchronized (written) {
            written.put(key, w);
        }
    }

    /** Where Events about this object are written: its namespace, or {@code default} when it has none. */
    public static String namespaceOf(HasMetadata about) {
        String ns = about.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    private static Event event(HasMetadata about, String name, Type type, Reason reason, String message,
            String now) {
        return new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(namespaceOf(about)).endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(about.getApiVersion())
                    .withKind(about.getKind())
                    .withName(about.getMetadata().getName())
                    .withNamespace(about.getMetadata().getNamespace())
                    .withUid(about.getMetadata().getUid())
                .endInvolvedObject()
                .withType(type.name())
                .withReason(reason.name())
                .withMessage(Objects.requireNonNullElse(message, ""))
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
    }
}
