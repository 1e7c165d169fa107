package io.recoflow.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
    private final Set<String> grants;

    private Rbac(Set<String> grants) {
        this.grants = grants;
    }

    public static Rbac load(KubernetesClient client, Path manifest) throws IOException {
        Set<String> grants = new TreeSet<>();
        try (InputStream in = Files.newInputStream(manifest)) {
            for (HasMetadata h : client.load(in).items()) {
                List<PolicyRule> rules = h instanceof ClusterRole c ? c.getRules()
                        : h instanceof Role r ? r.getRules() : List.of();
                for (PolicyRule rule : rules) {
                    for (String g : rule.getApiGroups()) {
                        for (String res : rule.getResources()) {
                            for (String v : rule.getVerbs()) {
                                grants.add(g + "/" + res + ":" + v);
                            }
                        }
                    }
                }
            }
        }
        return new Rbac(grants);
    }

    public Set<String> grants() {
        return grants;
    }

    public boolean allows(ApiRequest r) {
        return grants.contains(r.rule()) || grants.contains(r.group() + "/*:" + r.verb())
                || grants.contains(r.group() + "/" + r.resource() + ":*");
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
