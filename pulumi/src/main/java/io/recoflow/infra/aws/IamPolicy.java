package io.recoflow.infra.aws;

import com.google.gson.GsonBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One place that renders IAM JSON policy documents, so every policy has the same shape and is easy to audit. */
public final class IamPolicy {
    private final List<Map<String, Object>> statements = new ArrayList<>();

    public static IamPolicy create() {
        return new IamPolicy();
    }

    public IamPolicy allow(String sid, List<String> actions, List<String> resources) {
        return allow(sid, actions, resources, null);
    }

    public IamPolicy allow(String sid, List<String> actions, List<String> resources, Map<String, Object> condition) {
        if (actions.isEmpty() || resources.isEmpty()) throw new IllegalArgumentException("statement " + sid + " is empty");
        var st = new LinkedHashMap<String, Object>();
        st.put("Sid", sid);
        st.put("Effect", "Allow");
        st.put("Action", actions);
        st.put("Resource", resources);
        if (condition != null) st.put("Condition", condition);
        statements.add(st);
        return this;
    }

    /** A trust or key-policy statement: principal instead of resource list. */
    public IamPolicy allowPrincipal(String sid, Map<String, Object> principal, List<String> actions, String resource,
                                    Map<String, Object> condition) {
        var st = new LinkedHashMap<String, Object>();
        st.put("Sid", sid);
        st.put("Effect", "Allow");
        st.put("Principal", principal);
        st.put("Action", actions.size() == 1 ? actions.get(0) : actions);
        if (resource != null) st.put("Resource", resource);
        if (condition != null) st.put("Condition", condition);
        statements.add(st);
        return this;
    }

    public String json() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("Version", "2012-10-17");
        doc.put("Statement", statements);
        return new GsonBuilder().disableHtmlEscaping().create().toJson(doc);
    }

    /** Trust policy for a service (eks.amazonaws.com, ec2.amazonaws.com ...). */
    public static String serviceTrust(String service) {
        return create().allowPrincipal("Trust", Map.of("Service", service), List.of("sts:AssumeRole"), null, null).json();
    }
}
