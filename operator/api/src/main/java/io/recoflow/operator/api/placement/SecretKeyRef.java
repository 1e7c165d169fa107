package io.recoflow.operator.api.placement;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret in the hub. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
    public static final String DEFAULT_KEY = "kubeconfig";

    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    @Size(max = 253)
    public String name;

    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @Size(max = 63)
    @JsonPropertyDescription("Namespace of the Secret (the operator's own, usually).")
    public String namespace;

    @Default(DEFAULT_KEY)
    @Pattern("^[-._a-zA-Z0-9]+$")
    @Size(max = 253)
    public String key;

    public SecretKeyRef() {}

    public SecretKeyRef(String namespace, String name, String key) {
        this.namespace = namespace;
        this.name = name;
        this.key = key;
    }

    public String keyOrDefault() {
        return key == null ? DEFAULT_KEY : key;
    }
}
