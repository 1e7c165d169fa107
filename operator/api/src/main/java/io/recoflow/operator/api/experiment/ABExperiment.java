package io.recoflow.operator.api.experiment;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.recoflow.operator.api.RecommendationModel;

/**
 * A user-level A/B test between ModelVersions of one RecommendationModel: the model serves every variant's
 * version, users are split by a salted hash, outcomes are counted per user by the feature worker, and the
 * operator decides (sequential test, SRM check, guardrails) and acts on the decision through status only.
 */
@Group(RecommendationModel.GROUP)
@Version(RecommendationModel.VERSION)
@ShortNames("abx")
@AdditionalPrinterColumn(name = "Model", jsonPath = ".spec.modelRef", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.leader", type = Type.STRING)
@AdditionalPrinterColumn(name = "Lift", jsonPath = ".status.leaderLift", type = Type.STRING)
@AdditionalPrinterColumn(name = "Users", jsonPath = ".status.users", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ABExperiment extends CustomResource<ABExperimentSpec, ABExperimentStatus> implements Namespaced {

    @Override
    @Required
    public ABExperimentSpec getSpec() {
        return super.getSpec();
    }

    /** The experiment's name in the data plane (experiment file, impressions, metrics): namespace/name. */
    public String key() {
        return getMetadata().getNamespace() + "/" + getMetadata().getName();
    }
}
