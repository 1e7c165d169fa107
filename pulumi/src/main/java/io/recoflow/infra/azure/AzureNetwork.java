package io.recoflow.infra.azure;

import com.pulumi.azurenative.network.Subnet;
import com.pulumi.azurenative.network.SubnetArgs;
import com.pulumi.azurenative.network.VirtualNetwork;
import com.pulumi.azurenative.network.VirtualNetworkArgs;
import com.pulumi.azurenative.network.inputs.AddressSpaceArgs;
import com.pulumi.azurenative.network.inputs.ServiceEndpointPropertiesFormatArgs;
import com.pulumi.azurenative.resources.ResourceGroup;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.config.AzureSettings;

import java.util.List;
import java.util.Map;

/**
 * VNet with private subnets: `aks-system`, `aks-spot` (nodes; pods use the CNI overlay, not VNet IPs) and `data`
 * (private endpoints). Node subnets carry service endpoints so Storage, Event Hubs and Key Vault can deny every
 * network except these subnets.
 */
public final class AzureNetwork extends ComponentResource {
    static final List<String> SERVICE_ENDPOINTS = List.of("Microsoft.Storage", "Microsoft.EventHub", "Microsoft.KeyVault");

    public final VirtualNetwork vnet;
    public final Subnet systemSubnet;
    public final Subnet spotSubnet;
    public final Subnet dataSubnet;

    public AzureNetwork(String name, AzureSettings s, ResourceGroup rg, ComponentResourceOptions options) {
        super("recoflow:azure:Network", name, options);
        var base = s.vnetCidr().split("/")[0].split("\\.");
        var net16 = base[0] + "." + base[1] + ".";
        vnet = new VirtualNetwork(name + "-vnet", VirtualNetworkArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .virtualNetworkName(s.prefix() + "-vnet")
                .addressSpace(AddressSpaceArgs.builder().addressPrefixes(s.vnetCidr()).build())
                .tags(s.tags().map())
                .build(), CustomResourceOptions.builder().parent(this)
                // subnets are their own resources; without this every vnet update would try to delete them
                .ignoreChanges("subnets").build());
        var opts = CustomResourceOptions.builder().parent(this).build();
        systemSubnet = subnet(name + "-aks-system", "aks-system", net16 + "0.0/20", rg, true, opts);
        spotSubnet = subnet(name + "-aks-spot", "aks-spot", net16 + "16.0/20", rg, true, opts);
        dataSubnet = subnet(name + "-data", "data", net16 + "32.0/24", rg, false, opts);
        registerOutputs(Map.of("vnetId", vnet.id()));
    }

    private Subnet subnet(String name, String subnetName, String cidr, ResourceGroup rg, boolean endpoints,
                          CustomResourceOptions opts) {
        var args = SubnetArgs.builder()
                .resourceGroupName(rg.name())
                .virtualNetworkName(vnet.name())
                .subnetName(subnetName)
                .addressPrefix(cidr)
                .privateEndpointNetworkPolicies("Disabled");
        if (endpoints) {
            args.serviceEndpoints(SERVICE_ENDPOINTS.stream()
                    .map(svc -> ServiceEndpointPropertiesFormatArgs.builder().service(svc).build()).toList());
        }
        return new Subnet(name, args.build(), opts);
    }
}
