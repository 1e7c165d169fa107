package io.recoflow.operator.api.placement;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.recoflow.operator.api.RecommendationModel;

/**
 * A member cluster the operator (running in the hub) writes workloads into, through the API server of a kubeconfig
 * kept in a Secret (the pattern of Karmada, Open Cluster Management and Argo CD cluster secrets). Cluster-scoped:
 * every namespace's placements name the same clusters. The name {@code local} is built in and means the hub.
 */
@Group(RecommendationModel.GROUP)
@Version(RecommendationModel.VERSION)
@ShortNames("ct")
@AdditionalPrinterColumn(name = "Cloud", jsonPath = ".spec.cloud", type = Type.STRING)
@AdditionalPrinterColumn(name = "Region", jsonPath = ".spec.region", type = Type.STRING)
@AdditionalPrinterColumn(name = "Reachable", jsonPath = ".status.conditions[?(@.type==\"Reachable\")].status",
        type = Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.kubernetesVersion", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ClusterTarget extends CustomResource<ClusterTargetSpec, ClusterTargetStatus> {
    /** The hub: a placement naming it renders into the operator's own cluster, with no ClusterTarget object. */
    public static final String LOCAL = "local";

    @Override
    @Required
    public ClusterTargetSpec getSpec() {
        return super.getSpec();
    }
}
