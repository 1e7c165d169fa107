package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Clusters the model is served from and their traffic shares (multi-cluster serving comes later). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.clusters.map(c, c.weight).sum() == 100", message = "cluster weights must sum to 100")
@ValidationRule(value = "self.clusters.all(c, size(self.clusters.filter(d, d.name == c.name)) == 1)",
        message = "cluster names must be unique")
public class Placement {
    @Required
    @Size(min = 1, max = 16)
    public List<ClusterTarget> clusters;
}
