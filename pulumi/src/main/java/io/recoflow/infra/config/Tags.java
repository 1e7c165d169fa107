package io.recoflow.infra.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tags every resource carries; cost reports group by `cost-center` and `env`. */
public record Tags(String env, String owner, String costCenter) {
    public static final String ENV = "env";
    public static final String OWNER = "owner";
    public static final String COST_CENTER = "cost-center";

    public Tags {
        if (env.isBlank() || owner.isBlank() || costCenter.isBlank()) {
            throw new IllegalArgumentException("env, owner and cost-center tags must be non-empty");
        }
    }

    public static Tags of(ConfigSource c) {
        return new Tags(c.stack(), c.str("owner", "platform-team"), c.str("costCenter", "recoflow"));
    }

    public Map<String, String> map() {
        var m = new LinkedHashMap<String, String>();
        m.put(ENV, env);
        m.put(OWNER, owner);
        m.put(COST_CENTER, costCenter);
        m.put("app", "recoflow");
        m.put("managed-by", "pulumi");
        return Map.copyOf(m);
    }

    /** Tags plus a Name (shown in the AWS console). */
    public Map<String, String> named(String name) {
        var m = new LinkedHashMap<>(map());
        m.put("Name", name);
        return Map.copyOf(m);
    }
}
