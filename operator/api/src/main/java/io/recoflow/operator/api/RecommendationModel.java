package io.recoflow.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.status.RecommendationModelStatus;

/**
 * A served recommendation model: which registered model, on which runtime, how it scales and how new versions
 * roll out. The versions themselves are {@link ModelVersion}s that point at this resource by name.
 */
@Group(RecommendationModel.GROUP)
@Version(RecommendationModel.VERSION)
@ShortNames("rm")
@AdditionalPrinterColumn(name = "Runtime", jsonPath = ".spec.runtime", type = Type.STRING)
@AdditionalPrinterColumn(name = "Serving", jsonPath = ".status.servingVersion", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Candidate", jsonPath = ".status.candidateVersion", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Weight", jsonPath = ".status.canaryWeight", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Analysis", jsonPath = ".status.analysis.result", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Clusters", jsonPath = ".status.clustersReady", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class RecommendationModel extends CustomResource<RecommendationModelSpec, RecommendationModelStatus>
        implements Namespaced {
    public static final String GROUP = "recoflow.io";
    public static final String VERSION = "v1alpha1";

    /** Overridden only to mark {@code spec} required in the generated schema: an object without one means nothing. */
    @Override
    @Required
    public RecommendationModelSpec getSpec() {
        return super.getSpec();
    }
}
