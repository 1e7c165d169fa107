package io.recoflow.infra;

import io.recoflow.infra.azure.AzureSecurity;
import io.recoflow.infra.common.Pools;
import io.recoflow.infra.common.Workload;
import io.recoflow.infra.config.AzureSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static io.recoflow.infra.StackRun.at;
import static io.recoflow.infra.StackRun.list;
import static io.recoflow.infra.StackRun.map;
import static org.assertj.core.api.Assertions.assertThat;

/** The Azure program under Pulumi mocks, for every committed stack. */
class AzureStackTest {
    static List<String> stacks() {
        return StackRun.STACKS;
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aksUsesEntraRbacNoLocalAccountsAndRestrictedApi(String stack) {
        var run = StackRun.azure(stack);
        var aks = run.one("azure-native:containerservice:ManagedCluster").inputs();
        assertThat(aks).containsEntry("disableLocalAccounts", true).containsEntry("enableRBAC", true);
        assertThat(map(aks.get("aadProfile"))).containsEntry("managed", true).containsEntry("enableAzureRBAC", true)
                .containsEntry("tenantID", RecordingMocks.TENANT);
        var api = map(aks.get("apiServerAccessProfile"));
        var ranges = list(api.get("authorizedIPRanges"));
        assertThat(Boolean.TRUE.equals(api.get("enablePrivateCluster")) || !ranges.isEmpty()).isTrue();
        assertThat(ranges).doesNotContain("0.0.0.0/0");
        assertThat(at(aks, "oidcIssuerProfile.enabled")).isEqualTo(true);
        assertThat(at(aks, "securityProfile.workloadIdentity.enabled")).isEqualTo(true);
        assertThat(at(aks, "addonProfiles.omsagent.enabled")).isEqualTo(true);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void systemPoolIsOnDemandAndSpotPoolIsStatelessOnly(String stack) {
        var run = StackRun.azure(stack);
        var s = StackRun.azureSettings(stack);
        var aks = run.one("azure-native:containerservice:ManagedCluster").inputs();
        var pools = list(aks.get("agentPoolProfiles"));
        assertThat(pools).singleElement().satisfies(p -> {
            var system = map(p);
            assertThat(system).containsEntry("mode", "System").containsEntry("scaleSetPriority", "Regular")
                    .containsEntry("enableAutoScaling", true).containsEntry("enableNodePublicIP", false)
                    .containsEntry("vmSize", s.systemVmSize());
            assertThat(system.get("nodeTaints")).isNull();
            assertThat((String) system.get("vnetSubnetID")).endsWith("/aks-system");
        });
        var spot = run.one("azure-native:containerservice:AgentPool").inputs();
        assertThat(spot).containsEntry("mode", "User").containsEntry("scaleSetPriority", "Spot")
                .containsEntry("scaleSetEvictionPolicy", "Delete").containsEntry("enableAutoScaling", true)
                .containsEntry("enableNodePublicIP", false).containsEntry("spotMaxPrice", -1.0)
                .containsEntry("maxCount", 50.0);
        assertThat(((Number) spot.get("minCount")).intValue()).isGreaterThanOrEqualTo(2).isEqualTo(s.spotMin());
        assertThat(list(spot.get("nodeTaints"))).contains(Pools.SPOT_TAINT, Pools.AKS_SPOT_TAINT);
        assertThat(map(spot.get("nodeLabels"))).containsEntry(Pools.WORKLOAD, Pools.STATELESS);
        assertThat((String) spot.get("vnetSubnetID")).endsWith("/aks-spot");
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void storageReplicaIsPrivateVersionedAndTls12(String stack) {
        var run = StackRun.azure(stack);
        var sa = run.one("azure-native:storage:StorageAccount").inputs();
        assertThat(sa).containsEntry("allowBlobPublicAccess", false).containsEntry("enableHttpsTrafficOnly", true)
                .containsEntry("minimumTlsVersion", "TLS1_2").containsEntry("allowSharedKeyAccess", false);
        assertThat(at(sa, "encryption.services.blob.enabled")).isEqualTo(true);
        assertThat(at(sa, "networkRuleSet.defaultAction")).isEqualTo("Deny");
        assertThat(list(at(sa, "networkRuleSet.ipRules"))).singleElement()
                .satisfies(r -> assertThat(map(r)).containsEntry("iPAddressOrRange", "198.51.100.7"));
        var blob = run.one("azure-native:storage:BlobServiceProperties").inputs();
        assertThat(blob).containsEntry("isVersioningEnabled", true);
        assertThat(at(blob, "deleteRetentionPolicy.enabled")).isEqualTo(true);
        assertThat(((Number) at(blob, "deleteRetentionPolicy.days")).intValue())
                .isEqualTo(StackRun.azureSettings(stack).softDeleteDays());
        assertThat(run.ofType("azure-native:storage:BlobContainer")).allSatisfy(c ->
                assertThat(c.inputs()).containsEntry("publicAccess", "None"));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void redisEventHubsAndKeyVaultEnforceTlsAndProtection(String stack) {
        var run = StackRun.azure(stack);
        var s = StackRun.azureSettings(stack);
        var redis = run.one("azure-native:cache:Redis").inputs();
        assertThat(redis).containsEntry("enableNonSslPort", false).containsEntry("minimumTlsVersion", "1.2")
                .containsEntry("publicNetworkAccess", "Disabled");
        assertThat(map(redis.get("sku"))).containsEntry("name", s.redisSku()).containsEntry("capacity", (double) s.redisCapacity());
        assertThat(run.ofType("azure-native:network:PrivateEndpoint")).singleElement().satisfies(pe ->
                assertThat(map(list(pe.inputs().get("privateLinkServiceConnections")).get(0)).get("groupIds"))
                        .isEqualTo(List.of("redisCache")));

        var ns = run.one("azure-native:eventhub:Namespace").inputs();
        assertThat(ns).containsEntry("minimumTlsVersion", "1.2").containsEntry("kafkaEnabled", true)
                .containsEntry("disableLocalAuth", true);
        assertThat(map(ns.get("sku"))).containsEntry("tier", "Standard").containsEntry("capacity", (double) s.eventHubsUnits());
        assertThat(run.ofType("azure-native:eventhub:EventHub").stream().map(h -> h.inputs().get("eventHubName")))
                .containsExactlyInAnyOrder("recoflow.events", "recoflow.events.DLT");

        var kv = map(run.one("azure-native:keyvault:Vault").inputs().get("properties"));
        assertThat(kv).containsEntry("enableRbacAuthorization", true).containsEntry("enablePurgeProtection", true)
                .containsEntry("enableSoftDelete", true);
        assertThat(at(kv, "networkAcls.defaultAction")).isEqualTo("Deny");

        var logs = run.one("azure-native:operationalinsights:Workspace").inputs();
        assertThat(logs).containsEntry("retentionInDays", (double) s.logRetentionDays());
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void nodesLiveInPrivateSubnets(String stack) {
        var run = StackRun.azure(stack);
        assertThat(run.ofType("azure-native:network:Subnet")).hasSize(3);
        // no public IPs are created at all; nodes get none either (asserted on the pools)
        assertThat(run.ofType("azure-native:network:PublicIPAddress")).isEmpty();
        assertThat(list(at(run.one("azure-native:network:VirtualNetwork").inputs(), "addressSpace.addressPrefixes")))
                .containsExactly(StackRun.azureSettings(stack).vnetCidr());
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void everyTaggableResourceCarriesEnvOwnerCostCenter(String stack) {
        var run = StackRun.azure(stack);
        assertThat(Tagging.untagged(run, "tags", stack)).isEmpty();
        assertThat(Tagging.taggableCount(run)).isGreaterThan(15);
        var pools = list(run.one("azure-native:containerservice:ManagedCluster").inputs().get("agentPoolProfiles"));
        assertThat(map(map(pools.get(0)).get("tags"))).containsEntry("env", stack);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void workloadIdentitiesGetOneScopedBuiltInRoleEach(String stack) {
        var run = StackRun.azure(stack);
        var assignments = run.ofType("azure-native:authorization:RoleAssignment");
        assertThat(assignments).isNotEmpty().allSatisfy(ra -> {
            // scoped to a resource, never the subscription or resource group
            assertThat((String) ra.inputs().get("scope")).contains("/providers/");
            assertThat((String) ra.inputs().get("roleDefinitionId")).startsWith("/subscriptions/" + RecordingMocks.SUBSCRIPTION);
            assertThat(ra.inputs()).containsEntry("principalType", "ServicePrincipal");
        });
        var replicator = assignments.stream().filter(ra -> ra.name().startsWith("ra-datalake-replicator")).toList();
        assertThat(replicator).singleElement().satisfies(ra -> {
            assertThat((String) ra.inputs().get("roleDefinitionId")).endsWith(AzureSecurity.BLOB_DATA_CONTRIBUTOR);
            assertThat((String) ra.inputs().get("scope")).endsWith("/blobServices/default/containers/lake");
        });
        // AKS workloads trust the AKS issuer; the replicator has no credential until the EKS issuer is configured
        var creds = run.ofType("azure-native:managedidentity:FederatedIdentityCredential");
        assertThat(creds).allSatisfy(c -> {
            assertThat(c.inputs()).containsEntry("issuer", RecordingMocks.AKS_ISSUER);
            assertThat(list(c.inputs().get("audiences"))).containsExactly("api://AzureADTokenExchange");
        });
        assertThat(creds.stream().map(c -> c.inputs().get("subject")))
                .contains(Workload.REC_SERVICE.subject()).doesNotContain(Workload.REPLICATOR.subject());
    }

    @Test
    void replicatorTrustsTheEksIssuerOnceConfigured() {
        var run = StackRun.azure("dev", java.util.Map.of("replicationIssuer", RecordingMocks.EKS_ISSUER));
        var fic = run.named("azure-native:managedidentity:FederatedIdentityCredential", "fic-datalake-replicator").inputs();
        assertThat(fic).containsEntry("issuer", RecordingMocks.EKS_ISSUER).containsEntry("subject", Workload.REPLICATOR.subject());
        assertThat(java.util.Map.class.cast(run.outputs().get("workloadClientIds"))).containsKey("datalake-replicator");
        assertThat(run.outputs().get("replicatorClientId")).isEqualTo("client-id-datalake-replicator");
    }

    @Test
    void devIsSmallerThanProd() {
        AzureSettings dev = StackRun.azureSettings("dev"), staging = StackRun.azureSettings("staging"),
                prod = StackRun.azureSettings("prod");
        assertThat(dev.aksTier()).isEqualTo("Free");
        assertThat(prod.aksTier()).isEqualTo("Standard");
        assertThat(dev.systemNodesMin()).isLessThan(staging.systemNodesMin()).isLessThan(prod.systemNodesMin());
        assertThat(dev.eventHubsMaxUnits()).isLessThan(staging.eventHubsMaxUnits()).isLessThan(prod.eventHubsMaxUnits());
        assertThat(List.of("Basic", "Standard", "Premium").indexOf(dev.redisSku()))
                .isLessThan(List.of("Basic", "Standard", "Premium").indexOf(prod.redisSku()));
        assertThat(dev.softDeleteDays()).isLessThan(prod.softDeleteDays());
        assertThat(dev.storageSku()).isEqualTo("Standard_LRS");
        assertThat(prod.storageSku()).isEqualTo("Standard_GRS");
    }

    @Test
    void outputsAreAClusterTargetAndItsSecretWithTheKubeconfigKeptSecret() {
        var run = StackRun.azure("dev");
        var labels = Map.of("env", "dev", "owner", "platform-team", "cost-center", "cc-recoflow-dev", "app", "recoflow",
                "managed-by", "pulumi");
        assertThat(run.outputs().get("clusterTarget")).isEqualTo(Map.of(
                "apiVersion", "recoflow.io/v1alpha1", "kind", "ClusterTarget", "metadata", Map.of("name", "aks-dev"),
                "spec", Map.of("cloud", "azure", "region", "eastus",
                        "kubeconfigSecretRef", Map.of("namespace", "recoflow-system", "name", "cluster-aks-dev", "key", "kubeconfig"),
                        // Standard_D2s_v5 system pool: $0.096/h for 2 vCPUs
                        "costPerCoreHourUSD", 0.048, "labels", labels)));
        var kubeconfig = (String) run.outputs().get("kubeconfig");
        assertThat(run.outputs().get("clusterTargetSecret")).isEqualTo(Map.of(
                "apiVersion", "v1", "kind", "Secret", "metadata", Map.of("name", "cluster-aks-dev", "namespace", "recoflow-system"),
                "type", "Opaque", "stringData", Map.of("kubeconfig", kubeconfig)));
        assertThat(kubeconfig).contains("kubelogin").contains("server: https://recoflow-dev.hcp.eastus.azmk8s.io:443");
        assertThat(run.outputs()).containsEntry("apiServer", "https://recoflow-dev.hcp.eastus.azmk8s.io:443")
                .containsEntry("redisHost", "recoflow-dev-redis-rf01.redis.cache.windows.net")
                .containsEntry("kafkaBootstrap", "recoflow-dev-events-rf01.servicebus.windows.net:9093");
        assertThat(run.secretOutputs()).contains("kubeconfig", "clusterTargetSecret").doesNotContain("clusterTarget");
        assertThat(run.calls()).contains("azure-native:authorization:getClientConfig");
        var prod = map(StackRun.azure("prod").outputs().get("clusterTarget"));
        assertThat(map(prod.get("metadata"))).containsEntry("name", "aks-prod");
        assertThat(map(prod.get("spec"))).containsEntry("costPerCoreHourUSD", 0.048);  // D4s_v5: $0.192/h, 4 vCPUs
    }
}
