package io.recoflow.operator.placement;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.api.placement.ClusterTargetSpec;
import io.recoflow.operator.api.placement.SecretKeyRef;
import io.recoflow.operator.core.EventRecorder;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.core.StatusWriter;
import io.recoflow.operator.core.Validator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns each ClusterTarget and its kubeconfig Secret into a member client ({@link MemberClients}), probes the
 * member's API server on every reconcile and every probe interval, and reports what it found
 * ({@link TargetStatus}, Events on the transitions of {@code Reachable}).
 *
 * <p>Secrets are read from an informer restricted to the operator's own namespace, so its Role there is the only
 * grant on Secrets (list, watch), never a cluster-wide one; a ClusterTarget naming a Secret elsewhere is reported,
 * not followed. The Secret informer wakes the ClusterTargets that name a Secret when it is created, changed or
 * deleted (an index on the primary cache: a Secret that does not exist yet is mapped too).
 *
 * <p>Nothing here can hold up another reconcile for long: a missing Secret or a bad kubeconfig is a status, not an
 * exception, and a probe is bounded by the member client's timeouts (a few seconds on one reconciler thread).
 * Reconciles are triggered on every event, deletes included ({@code triggerReconcilerOnAllEvents}), so the client
 * of a deleted ClusterTarget is closed without a finalizer: a finalizer would need write access to ClusterTargets
 * and would block their deletion while the operator is not running.
 */
@ControllerConfiguration(name = ClusterTargetReconciler.NAME, triggerReconcilerOnAllEvents = true)
public class ClusterTargetReconciler implements Reconciler<ClusterTarget> {
    public static final String NAME = "clustertarget";
    public static final Validator<ClusterTarget> VALIDATOR = new SpecRules();
    static final String BY_SECRET = "bySecret";

    private final Clock clock;
    private final EventRecorder events;
    private final MemberClients members;
    private final String namespace;
    private final Duration probeInterval;
    private InformerEventSource<Secret, ClusterTarget> secrets;

    /**
     * @param namespace the operator's namespace: the only one whose Secrets are read
     * @param probeInterval how often a usable member is probed again
     */
    public ClusterTargetReconciler(Clock clock, EventRecorder events, MemberClients members, String namespace,
            Duration probeInterval) {
        this.clock = clock;
        this.events = events;
        this.members = members;
        this.namespace = namespace;
        this.probeInterval = probeInterval;
    }

    @Override
    public List<EventSource<?, ClusterTarget>> prepareEventSources(EventSourceContext<ClusterTarget> context) {
        context.getPrimaryCache().addIndexer(BY_SECRET, ct -> {
            SecretKeyRef ref = ref(ct);
            return ref == null ? List.of() : List.of(ref.namespace + "/" + ref.name);
        });
        secrets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Secret.class, ClusterTarget.class)
                        .withName("kubeconfigs")
                        .withNamespaces(Set.of(namespace))
                        .withSecondaryToPrimaryMapper((Secret s) -> context.getPrimaryCache()
                                .byIndex(BY_SECRET, s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())
                                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<ClusterTarget>) ct -> {
                            SecretKeyRef ref = ref(ct);
                            return ref == null ? Set.of() : Set.of(new ResourceID(ref.name, ref.namespace));
                        })
                        .build(),
                context);
        return List.of(secrets);
    }

    @Override
    public UpdateControl<ClusterTarget> reconcile(ClusterTarget ct, Context<ClusterTarget> ctx) {
        String name = ct.getMetadata().getName();
        if (ctx.isPrimaryResourceDeleted()) {
            if (!ClusterTarget.LOCAL.equals(name)) {
                members.remove(name);
            }
            return UpdateControl.noUpdate();
        }
        Instant now = clock.instant();
        String original = StatusWriter.snapshot(ct);
        TargetStatus.Before before = TargetStatus.before(ct);
        String endpoint = ct.getSpec() == null ? null : ct.getSpec().endpoint;

        if (ClusterTarget.LOCAL.equals(name)) {
            // the hub's client stays what "local" means; this object is only reported
            TargetStatus.unusable(ct, Reason.InvalidSpec, "\"local\" is the built-in name of the hub (the "
                    + "operator's own cluster) and needs no ClusterTarget; this one is ignored", now);
            return finish(ct, original, before, ctx, false);
        }
        List<String> errors = VALIDATOR.validate(ct);
        if (!errors.isEmpty()) {
            String message = String.join("; ", errors);
            members.unusable(name, "ClusterTarget " + name + " is invalid: " + message, endpoint);
            TargetStatus.unusable(ct, Reason.InvalidSpec, message, now);
            return finish(ct, original, before, ctx, false);
        }

        SecretKeyRef ref = ct.getSpec().kubeconfigSecretRef;
        String secret = ref.namespace + "/" + ref.name;
        String kubeconfig = null;
        Reason problem = null;
        String message = null;
        if (!namespace.equals(ref.namespace)) {
            problem = Reason.SecretNotFound;
            message = "Secret " + secret + " is not read: the operator reads kubeconfig Secrets only in its own "
                    + "namespace " + namespace;
        } else {
            Secret s = secrets.get(new ResourceID(ref.name, ref.namespace)).orElse(null);
            String key = ref.keyOrDefault();
            if (s == null) {
                problem = Reason.SecretNotFound;
                message = "Secret " + secret + " not found";
            } else if (value(s, key) == null) {
                problem = Reason.SecretNotFound;
                message = "Secret " + secret + " has no key " + key;
            } else {
                kubeconfig = value(s, key);
            }
        }
        if (kubeconfig != null) {
            try {
                members.connect(name, kubeconfig, endpoint);
            } catch (MemberClients.InvalidKubeconfig e) {
                problem = Reason.KubeconfigInvalid;
                message = "Secret " + secret + " key " + ref.keyOrDefault() + ": " + e.getMessage();
            }
        }
        if (problem != null) {
            members.unusable(name, message, endpoint);
            TargetStatus.unusable(ct, problem, message, now);
            // the Secret's informer wakes this ClusterTarget when the Secret is created or fixed
            return finish(ct, original, before, ctx, false);
        }

        MemberClients.Probe probe = members.probe(name);
        if (probe.ok()) {
            String server = members.client(name).map(c -> c.getMasterUrl().toString()).orElse("?");
            TargetStatus.reachable(ct, probe.version(), server, now);
        } else {
            TargetStatus.unreachable(ct, probe.credentialsRejected() ? Reason.CredentialsRejected
                    : Reason.Unreachable, probe.error(), now);
        }
        return finish(ct, original, before, ctx, true);
    }

    /** Status first, then the event of the transition (a failed status write retries without announcing twice). */
    private UpdateControl<ClusterTarget> finish(ClusterTarget ct, String original, TargetStatus.Before before,
            Context<ClusterTarget> ctx, boolean probeAgain) {
        UpdateControl<ClusterTarget> control = StatusWriter.write(ct, original, ctx);
        Condition c = TargetStatus.transition(ct, before);
        if (c != null) {
            Reason reason = Reason.valueOf(c.getReason());
            if ("True".equals(c.getStatus())) {
                events.normal(ct, reason, c.getMessage());
            } else {
                events.warning(ct, reason, c.getMessage());
            }
        }
        return probeAgain ? control.rescheduleAfter(probeInterval) : control;
    }

    private static SecretKeyRef ref(ClusterTarget ct) {
        ClusterTargetSpec s = ct.getSpec();
        SecretKeyRef ref = s == null ? null : s.kubeconfigSecretRef;
        return ref == null || ref.name == null || ref.namespace == null ? null : ref;
    }

    /** A Secret key's value: from {@code data} (base64), or {@code stringData} as some tools leave it. */
    private static String value(Secret s, String key) {
        if (s.getData() != null && s.getData().get(key) != null) {
            try {
                return new String(Base64.getDecoder().decode(s.getData().get(key).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return s.getStringData() == null ? null : s.getStringData().get(key);
    }

    /** The CRD's schema rules of a ClusterTarget again, in Java (see {@link Validator}). */
    static final class SpecRules implements Validator<ClusterTarget> {
        static final Pattern REGION = Pattern.compile("^[a-z0-9][-a-z0-9]{0,30}$");
        static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
        static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
        static final Pattern KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");
        static final Pattern ENDPOINT = Pattern.compile("^https?://[^\\s]+$");

        @Override
        public List<String> validate(ClusterTarget ct) {
            List<String> errors = new ArrayList<>();
            ClusterTargetSpec s = ct.getSpec();
            if (s == null) {
                errors.add("spec: required");
                return errors;
            }
            Validator.required(errors, "spec.cloud", s.cloud);
            if (s.region == null) {
                errors.add("spec.region: required");
            } else if (!REGION.matcher(s.region).matches()) {
                errors.add("spec.region: must match " + REGION.pattern());
            }
            SecretKeyRef ref = s.kubeconfigSecretRef;
            if (ref == null) {
                errors.add("spec.kubeconfigSecretRef: required");
            } else {
                if (ref.name == null) {
                    errors.add("spec.kubeconfigSecretRef.name: required");
                } else if (ref.name.length() > 253 || !NAME.matcher(ref.name).matches()) {
                    errors.add("spec.kubeconfigSecretRef.name: must be a resource name");
                }
                if (ref.namespace == null) {
                    errors.add("spec.kubeconfigSecretRef.namespace: required");
                } else if (!NAMESPACE.matcher(ref.namespace).matches()) {
                    errors.add("spec.kubeconfigSecretRef.namespace: must be a namespace name");
                }
                if (ref.key != null && (ref.key.length() > 253 || !KEY.matcher(ref.key).matches())) {
                    errors.add("spec.kubeconfigSecretRef.key: must match " + KEY.pattern());
                }
            }
            if (s.endpoint != null && (s.endpoint.length() > 253 || !ENDPOINT.matcher(s.endpoint).matches())) {
                errors.add("spec.endpoint: must be an http(s) URL");
            }
            if (s.costPerCoreHourUSD != null && !(s.costPerCoreHourUSD >= 0)) {
                errors.add("spec.costPerCoreHourUSD: must be >= 0");
            }
            return errors;
        }
    }
}
