package io.recoflow.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What was serving the last time a rollout completed: enough to restore it (like Flink's lastStableSpec). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StableSpec {
    public Long version;
    public String uri;
    public String image;
    public String runtime;
    public String since;

    public StableSpec() {}

    public StableSpec(Long version, String uri, String image, String runtime, String since) {
        this.version = version;
        this.uri = uri;
        this.image = image;
        this.runtime = runtime;
        this.since = since;
    }
}
