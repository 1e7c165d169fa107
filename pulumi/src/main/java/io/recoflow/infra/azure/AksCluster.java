package io.recoflow.infra.azure;

import com.pulumi.azurenative.containerservice.AgentPool;
import com.pulumi.azurenative.containerservice.AgentPoolArgs;
import com.pulumi.azurenative.containerservice.ContainerserviceFunctions;
import com.pulumi.azurenative.containerservice.ManagedCluster;
import com.pulumi.azurenative.containerservice.ManagedClusterArgs;
import com.pulumi.azurenative.containerservice.enums.ResourceIdentityType;
import com.pulumi.azurenative.containerservice.inputs.ContainerServiceNetworkProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ListManagedClusterUserCredentialsArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterAADProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterAPIServerAccessProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterAddonProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterAgentPoolProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterIdentityArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterOIDCIssuerProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterPropertiesAutoScalerProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterSKUArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterSecurityProfileArgs;
import com.pulumi.azurenative.containerservice.inputs.ManagedClusterSecurityProfileWorkloadIdentityArgs;
import com.pulumi.azurenative.operationalinsights.Workspace;
import com.pulumi.azurenative.resources.ResourceGroup;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.common.Pools;
import io.recoflow.infra.config.AzureSettings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * AKS with Entra ID (Azure AD) RBAC and no local accounts, a private API server unless authorized IP ranges are
 * configured, OIDC issuer + workload identity, Container Insights, an on-demand `system` pool and a `spot` user pool
 * (eviction Delete, any price up to on-demand, spot taints) for stateless workloads, both autoscaled.
 */
public final class AksCluster extends ComponentResource {
    public final ManagedCluster cluster;
    public final AgentPool spotPool;
    public final Output<String> oidcIssuer;

    public AksCluster(String name, AzureSettings s, ResourceGroup rg, AzureNetwork net, Workspace logs, Output<String> tenantId,
                      ComponentResourceOptions options) {
        super("recoflow:azure:AksCluster", name, options);
        var tags = s.tags().map();
        boolean privateApi = s.authorizedIpRanges().isEmpty();
        var zones = s.env().equals("prod") ? List.of("1", "2", "3") : List.<String>of();

        var system = ManagedClusterAgentPoolProfileArgs.builder()
                .name("system")
                .mode("System")
                .type("VirtualMachineScaleSets")
                .vmSize(s.systemVmSize())
                .osType("Linux")
                .osSKU("AzureLinux")
                .osDiskSizeGB(s.osDiskGb())
                .osDiskType("Managed")
                .enableAutoScaling(true)
                .count(s.systemNodesMin())
                .minCount(s.systemNodesMin())
                .maxCount(s.systemNodesMax())
                .vnetSubnetID(net.systemSubnet.id())
                .enableNodePublicIP(false)
                .scaleSetPriority("Regular")
                .nodeLabels(Pools.systemLabels())
                .tags(tags);
        if (!zones.isEmpty()) system.availabilityZones(zones);

        var args = ManagedClusterArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .resourceName(s.prefix() + "-aks")
                .dnsPrefix(s.prefix())
                .sku(ManagedClusterSKUArgs.builder().name("Base").tier(s.aksTier()).build())
                .identity(ManagedClusterIdentityArgs.builder().type(ResourceIdentityType.SystemAssigned).build())
                .agentPoolProfiles(system.build())
                .enableRBAC(true)
                .disableLocalAccounts(true)
                .aadProfile(ManagedClusterAADProfileArgs.builder()
                        .managed(true)
                        .enableAzureRBAC(true)
                        .tenantID(tenantId)
                        .adminGroupObjectIDs(s.adminGroupObjectIds())
                        .build())
                .apiServerAccessProfile(privateApi
                        ? ManagedClusterAPIServerAccessProfileArgs.builder().enablePrivateCluster(true).build()
                        : ManagedClusterAPIServerAccessProfileArgs.builder().enablePrivateCluster(false)
                                .authorizedIPRanges(s.authorizedIpRanges()).build())
                .networkProfile(ContainerServiceNetworkProfileArgs.builder()
                        .networkPlugin("azure")
                        .networkPluginMode("overlay")
                        .networkPolicy("azure")
                        .podCidr("192.168.0.0/16")
                        .serviceCidr("172.16.0.0/16")
                        .dnsServiceIP("172.16.0.10")
                        .loadBalancerSku("standard")
                        .build())
                .autoScalerProfile(ManagedClusterPropertiesAutoScalerProfileArgs.builder()
                        .expander("least-waste")
                        .balanceSimilarNodeGroups("true")
                        .scaleDownUnneededTime("10m")
                        .build())
                .oidcIssuerProfile(ManagedClusterOIDCIssuerProfileArgs.builder().enabled(true).build())
                .securityProfile(ManagedClusterSecurityProfileArgs.builder()
                        .workloadIdentity(ManagedClusterSecurityProfileWorkloadIdentityArgs.builder().enabled(true).build())
                        .build())
                .addonProfiles(Map.of("omsagent", ManagedClusterAddonProfileArgs.builder()
                        .enabled(true)
                        .config(logs.id().applyValue(id -> Map.of("logAnalyticsWorkspaceResourceID", id)))
                        .build()))
                .tags(tags);
        s.kubernetesVersion().ifPresent(args::kubernetesVersion);
        cluster = new ManagedCluster(name, args.build(), CustomResourceOptions.builder().parent(this)
                // the autoscaler owns the node count
                .ignoreChanges("agentPoolProfiles[0].count").build());

        var taints = new ArrayList<>(List.of(Pools.SPOT_TAINT, Pools.AKS_SPOT_TAINT));
        var spot = AgentPoolArgs.builder()
                .resourceGroupName(rg.name())
                .resourceName(cluster.name())
                .agentPoolName("spot")
                .mode("User")
                .type("VirtualMachineScaleSets")
                .vmSize(s.spotVmSize())
                .osType("Linux")
                .osSKU("AzureLinux")
                .osDiskSizeGB(s.osDiskGb())
                .osDiskType("Managed")
                .scaleSetPriority("Spot")
                .scaleSetEvictionPolicy("Delete")
                // -1 = pay up to the on-demand price: evictions only for capacity, never for price
                .spotMaxPrice(-1.0)
                .enableAutoScaling(true)
                .count(s.spotMin())
                .minCount(s.spotMin())
                .maxCount(s.spotMax())
                .vnetSubnetID(net.spotSubnet.id())
                .enableNodePublicIP(false)
                .nodeLabels(Pools.spotLabels())
                .nodeTaints(taints)
                .tags(tags);
        if (!zones.isEmpty()) spot.availabilityZones(zones);
        spotPool = new AgentPool(name + "-spot", spot.build(),
                CustomResourceOptions.builder().parent(this).ignoreChanges("count").build());

        oidcIssuer = cluster.oidcIssuerProfile().applyValue(p -> p.map(x -> x.issuerURL()).orElse(""));
        registerOutputs(Map.of("fqdn", cluster.fqdn()));
    }

    /** https URL of the API server: the private FQDN for a private cluster. */
    public Output<String> apiServer() {
        return Output.tuple(cluster.fqdn(), cluster.privateFQDN())
                .applyValue(t -> "https://" + (t.t2 != null && !t.t2.isEmpty() ? t.t2 : t.t1) + ":443");
    }

    /** The Entra ID user kubeconfig (exec via kubelogin); secret output. */
    public Output<String> kubeconfig(ResourceGroup rg) {
        return Output.tuple(rg.name(), cluster.name())
                .applyValue(t -> ListManagedClusterUserCredentialsArgs.builder().resourceGroupName(t.t1).resourceName(t.t2).build())
                .apply(ContainerserviceFunctions::listManagedClusterUserCredentials)
                .applyValue(r -> r.kubeconfigs().isEmpty() ? ""
                        : new String(Base64.getDecoder().decode(r.kubeconfigs().get(0).value()), StandardCharsets.UTF_8))
                .asSecret();
    }
}
