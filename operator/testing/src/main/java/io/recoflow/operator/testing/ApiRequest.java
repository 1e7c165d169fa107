package io.recoflow.operator.testing;

import java.net.URI;

/**
 * One request to the API server in RBAC terms: verb, API group, resource (with its subresource, as in a Role:
 * {@code recommendationmodels/status}), namespace and name. A path outside /api and /apis (/version, /healthz) is a
 * non-resource URL: its resource is the path, as in a rule's {@code nonResourceURLs}.
 */
public record ApiRequest(String verb, String group, String resource, String namespace, String name) {

    /** @param path the request path with its query, e.g. /apis/apps/v1/namespaces/x/deployments?watch=true */
    public static ApiRequest parse(String method, String path) {
        URI uri = URI.create(path);
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String[] p = uri.getPath().replaceAll("^/+", "").split("/");
        int i;
        String group;
        if (p[0].equals("api")) {
            group = "";
            i = 2; // api/v1
        } else if (p[0].equals("apis")) {
            group = p[1];
            i = 3; // apis/group/version
        } else {
            return new ApiRequest(method.toLowerCase(), "", uri.getPath(), null, null);
        }
        String namespace = null;
        if (i + 1 < p.length && p[i].equals("namespaces") && i + 2 < p.length) {
            namespace = p[i + 1];
            i += 2;
        }
        String resource = i < p.length ? p[i] : "";
        String name = i + 1 < p.length ? p[i + 1] : null;
        if (i + 2 < p.length) {
            resource = resource + "/" + p[i + 2];
        }
        boolean watch = query.contains("watch=true") || query.contains("watch=1");
        String verb = switch (method.toUpperCase()) {
            case "GET" -> watch ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> method.toLowerCase();
        };
        return new ApiRequest(verb, group, resource, namespace, name);
    }

    /** The RBAC key of this request: group/resource:verb (core group as ""); a non-resource URL as /path:verb. */
    public String rule() {
        return nonResource() ? resource + ":" + verb : group + "/" + resource + ":" + verb;
    }

    public boolean nonResource() {
        return resource.startsWith("/");
    }
}
