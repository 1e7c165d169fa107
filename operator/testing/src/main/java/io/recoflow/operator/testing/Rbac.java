package io.recoflow.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of the Roles and ClusterRoles in a manifest, as grants of group/resource:verb, to check the operator's
 * recorded requests against verb by verb (what the API server's RBAC authorizer would decide, minus
 * resourceNames, which our manifests do not use).
 */
public final class Rbac {
    /**
     * What every authenticated user may do whatever the manifest says (the built-in system:basic-user
     * ClusterRole): ask what it is allowed to do. JOSDK's leader election does that before it starts.
     */
    public static final Set<String> BASIC_USER = Set.of(
            "authorization.k8s.io/selfsubjectrulesreviews:create",
            "authorization.k8s.io/selfsubjectaccessreviews:create",
            "authentication.k8s.io/selfsubjectreviews:create");
    /**
     * What every client may read whatever the manifest says (the built-in system:public-info-viewer ClusterRole,
     * bound to authenticated and unauthenticated users): the API server's version, which probes of a member use.
     */
    public static final Set<String> PUBLIC_INFO = Set.of("/version:get", "/healthz:get", "/livez:get",
            "/readyz:get");

    private final Set<String> grants;
    private final List<Bound> rules;

    /** A rule and where it applies: the namespace of its Role, or null for a ClusterRole (every namespace). */
    private record Bound(String namespace, PolicyRule rule) {}

    private Rbac(Set<String> grants, List<Bound> rules) {
        this.grants = grants;
        this.rules = rules;
    }

    public static Rbac load(KubernetesClient client, Path manifest) throws IOException {
        Set<String> grants = new TreeSet<>();
        List<Bound> bound = new ArrayList<>();
        try (InputStream in = Files.newInputStream(manifest)) {
            for (HasMetadata h : client.load(in).items()) {
                List<PolicyRule> rules = h instanceof ClusterRole c ? c.getRules()
                        : h instanceof Role r ? r.getRules() : List.of();
                String namespace = h instanceof Role ? h.getMetadata().getNamespace() : null;
                for (PolicyRule rule : rules) {
                    bound.add(new Bound(namespace, rule));
                    for (String g : rule.getApiGroups() == null ? List.<String>of() : rule.getApiGroups()) {
                        for (String res : rule.getResources() == null ? List.<String>of() : rule.getResources()) {
                            for (String v : rule.getVerbs()) {
                                grants.add(g + "/" + res + ":" + v);
                            }
                        }
                    }
                }
            }
        }
        return new Rbac(grants, List.copyOf(bound));
    }

    /** The manifest's grants (not {@link #BASIC_USER}). */
    public Set<String> grants() {
        return grants;
    }

    /**
     * Whether a rule allows the request: a ClusterRole's anywhere, a Role's only in its own namespace (a Role
     * cannot grant a cluster-wide list or watch).
     */
    public boolean allows(ApiRequest r) {
        if (BASIC_USER.contains(r.rule()) || PUBLIC_INFO.contains(r.rule())) {
            return true;
        }
        if (r.resource().isEmpty() && r.name() == null && r.verb().equals("list")) {
            return true; // API discovery (GET /apis/<group>/<version>): system:discovery, every authenticated user
        }
        for (Bound b : rules) {
            if (b.namespace() != null && !b.namespace().equals(r.namespace())) {
                continue;
            }
            PolicyRule rule = b.rule();
            boolean verb = rule.getVerbs().contains(r.verb()) || rule.getVerbs().contains("*");
            boolean matches = r.nonResource()
                    ? rule.getNonResourceURLs() != null && (rule.getNonResourceURLs().contains(r.resource())
                            || rule.getNonResourceURLs().contains("*"))
                    : rule.getApiGroups() != null && rule.getResources() != null
                            && (rule.getApiGroups().contains(r.group()) || rule.getApiGroups().contains("*"))
                            && (rule.getResources().contains(r.resource()) || rule.getResources().contains("*"));
            if (verb && matches) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rules that apply in a namespace (its Roles' and every ClusterRole's), as the API server answers a
     * SelfSubjectRulesReview for it.
     */
    public List<ResourceRule> rulesIn(String namespace) {
        List<ResourceRule> out = new ArrayList<>();
        for (Bound b : rules) {
            if (b.namespace() == null || b.namespace().equals(namespace)) {
                out.add(new ResourceRuleBuilder().withApiGroups(b.rule().getApiGroups())
                        .withResources(b.rule().getResources()).withVerbs(b.rule().getVerbs())
                        .withResourceNames(b.rule().getResourceNames()).build());
            }
        }
        return out;
    }

    /** Requests the manifest does not allow, as rules, sorted. */
    public Set<String> denied(Collection<ApiRequest> requests) {
        Set<String> out = new TreeSet<>();
        for (ApiRequest r : requests) {
            if (!allows(r)) {
                out.add(r.rule());
            }
        }
        return out;
    }

    /** Grants no request used. */
    public Set<String> unused(Collection<ApiRequest> requests) {
        Set<String> used = new TreeSet<>();
        requests.forEach(r -> used.add(r.rule()));
        List<String> out = new ArrayList<>(grants);
        out.removeAll(used);
        return new TreeSet<>(out);
    }
}
