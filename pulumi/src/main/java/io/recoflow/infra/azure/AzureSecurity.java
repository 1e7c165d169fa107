package io.recoflow.infra.azure;

import com.pulumi.azurenative.authorization.RoleAssignment;
import com.pulumi.azurenative.authorization.RoleAssignmentArgs;
import com.pulumi.azurenative.keyvault.Vault;
import com.pulumi.azurenative.keyvault.VaultArgs;
import com.pulumi.azurenative.keyvault.inputs.IPRuleArgs;
import com.pulumi.azurenative.keyvault.inputs.NetworkRuleSetArgs;
import com.pulumi.azurenative.keyvault.inputs.SkuArgs;
import com.pulumi.azurenative.keyvault.inputs.VaultPropertiesArgs;
import com.pulumi.azurenative.keyvault.inputs.VirtualNetworkRuleArgs;
import com.pulumi.azurenative.managedidentity.FederatedIdentityCredential;
import com.pulumi.azurenative.managedidentity.FederatedIdentityCredentialArgs;
import com.pulumi.azurenative.managedidentity.UserAssignedIdentity;
import com.pulumi.azurenative.managedidentity.UserAssignedIdentityArgs;
import com.pulumi.azurenative.resources.ResourceGroup;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.common.ReplicationJob;
import io.recoflow.infra.common.Workload;
import io.recoflow.infra.config.AzureSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Key Vault (RBAC, purge protection, soft delete, network-restricted) and one user-assigned identity per workload,
 * federated to a Kubernetes service account, with built-in roles scoped to the single resource it needs.
 */
public final class AzureSecurity extends ComponentResource {
    /** Built-in role definition GUIDs (identical in every tenant). */
    public static final String BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public static final String BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    public static final String KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
    public static final String EVENT_HUBS_DATA_SENDER = "2b629674-e913-4c01-ae53-ef4638d8f975";
    public static final String EVENT_HUBS_DATA_RECEIVER = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";

    public final Vault vault;
    public final Map<Workload, UserAssignedIdentity> identities = new LinkedHashMap<>();

    public AzureSecurity(String name, AzureSettings s, ResourceGroup rg, AzureNetwork net, AksCluster aks, AzureData data,
                         Output<String> tenantId, Output<String> subscriptionId, ComponentResourceOptions options) {
        super("recoflow:azure:Security", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        var tags = s.tags().map();

        vault = new Vault(name + "-kv", VaultArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .vaultName(s.keyVaultName())
                .properties(VaultPropertiesArgs.builder()
                        .tenantId(tenantId)
                        .sku(SkuArgs.builder().family("A").name(com.pulumi.azurenative.keyvault.enums.SkuName.Standard).build())
                        .enableRbacAuthorization(true)
                        .enableSoftDelete(true)
                        .softDeleteRetentionInDays(90)
                        .enablePurgeProtection(true)
                        .networkAcls(NetworkRuleSetArgs.builder()
                                .defaultAction("Deny")
                                .bypass("AzureServices")
                                .virtualNetworkRules(
                                        VirtualNetworkRuleArgs.builder().id(net.systemSubnet.id()).build(),
                                        VirtualNetworkRuleArgs.builder().id(net.spotSubnet.id()).build())
                                .ipRules(s.authorizedIpRanges().stream().map(ip -> IPRuleArgs.builder().value(ip).build()).toList())
                                .build())
                        .build())
                .tags(tags)
                .build(), opts);

        java.util.function.Function<String, Output<String>> role = guid -> subscriptionId.applyValue(sub ->
                "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions/" + guid);
        var containerScope = Output.tuple(data.storage.id(), data.lake.name())
                .applyValue(t -> t.t1 + "/blobServices/default/containers/" + t.t2);

        identity(Workload.REC_SERVICE, s, rg, aks.oidcIssuer, opts,
                List.of(Map.entry(role.apply(KEY_VAULT_SECRETS_USER), vault.id())));
        identity(Workload.EVENT_COLLECTOR, s, rg, aks.oidcIssuer, opts,
                List.of(Map.entry(role.apply(EVENT_HUBS_DATA_SENDER), data.events.id())));
        identity(Workload.FEATURE_WORKER, s, rg, aks.oidcIssuer, opts,
                List.of(Map.entry(role.apply(EVENT_HUBS_DATA_RECEIVER), data.events.id()),
                        Map.entry(role.apply(EVENT_HUBS_DATA_SENDER), data.deadLetters.id()),
                        Map.entry(role.apply(KEY_VAULT_SECRETS_USER), vault.id())));
        // the DR cluster trains from the replica: read-only on the replica container
        identity(Workload.TRAINER, s, rg, aks.oidcIssuer, opts,
                List.of(Map.entry(role.apply(BLOB_DATA_READER), containerScope)));
        // the replicator runs on EKS: its identity trusts the EKS OIDC issuer (from the AWS stack), when configured
        identity(Workload.REPLICATOR, s, rg, s.replicationIssuer().map(Output::of).orElse(null), opts,
                List.of(Map.entry(role.apply(BLOB_DATA_CONTRIBUTOR), containerScope)));
        registerOutputs(Map.of("vaultUri", vault.properties().applyValue(p -> p.vaultUri().orElse(""))));
    }

    private void identity(Workload w, AzureSettings s, ResourceGroup rg, Output<String> issuer, CustomResourceOptions opts,
                          List<Map.Entry<Output<String>, Output<String>>> roleScopes) {
        var id = new UserAssignedIdentity("id-" + w.name(), UserAssignedIdentityArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .resourceName(s.prefix() + "-" + w.name())
                .tags(s.tags().map())
                .build(), opts);
        identities.put(w, id);
        if (issuer != null) {
            new FederatedIdentityCredential("fic-" + w.name(), FederatedIdentityCredentialArgs.builder()
                    .resourceGroupName(rg.name())
                    .resourceName(id.name())
                    .federatedIdentityCredentialResourceName(w.name())
                    .issuer(issuer)
                    .subject(w.subject())
                    .audiences(ReplicationJob.AZURE_AUDIENCE)
                    .build(), opts);
        }
        int i = 0;
        for (var e : roleScopes) {
            new RoleAssignment("ra-" + w.name() + "-" + i++, RoleAssignmentArgs.builder()
                    .principalId(id.principalId())
                    .principalType("ServicePrincipal")
                    .roleDefinitionId(e.getKey())
                    .scope(e.getValue())
                    .build(), opts);
        }
    }

    public Output<Map<String, String>> clientIds() {
        var names = List.copyOf(identities.keySet());
        return Output.all(names.stream().map(w -> identities.get(w).clientId()).toList()).applyValue(ids -> {
            var m = new LinkedHashMap<String, String>();
            for (int i = 0; i < names.size(); i++) m.put(names.get(i).name(), ids.get(i));
            return m;
        });
    }
}
