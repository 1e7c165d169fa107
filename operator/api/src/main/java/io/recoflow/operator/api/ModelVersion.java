package io.recoflow.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.api.status.ModelVersionStatus;

/**
 * One trained version of a {@link RecommendationModel}. Setting {@code spec.stage: production} is how an ML engineer
 * promotes it; the operator reports progress in status only.
 */
@Group(RecommendationModel.GROUP)
@Version(RecommendationModel.VERSION)
@ShortNames("mv")
@AdditionalPrinterColumn(name = "Model", jsonPath = ".spec.modelRef", type = Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Stage", jsonPath = ".spec.stage", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ModelVersion extends CustomResource<ModelVersionSpec, ModelVersionStatus> implements Namespaced {
    /** Overridden only to mark {@code spec} required in the generated schema: an object without one means nothing. */
    @Override
    @Required
    public ModelVersionSpec getSpec() {
        return super.getSpec();
    }
}
