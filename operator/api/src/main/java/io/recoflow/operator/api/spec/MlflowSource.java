package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.version) != has(self.alias)", message = "set exactly one of version or alias")
public class MlflowSource {
    @Required
    public String registeredModel;

    @Pattern("^[0-9]+$")
    public String version;

    @Pattern("^[A-Za-z0-9_-]+$")
    public String alias;
}
