package io.recoflow.infra.azure;

import com.pulumi.azurenative.cache.Redis;
import com.pulumi.azurenative.cache.RedisArgs;
import com.pulumi.azurenative.cache.inputs.SkuArgs;
import com.pulumi.azurenative.eventhub.EventHub;
import com.pulumi.azurenative.eventhub.EventHubArgs;
import com.pulumi.azurenative.eventhub.Namespace;
import com.pulumi.azurenative.eventhub.NamespaceArgs;
import com.pulumi.azurenative.network.PrivateDnsZoneGroup;
import com.pulumi.azurenative.network.PrivateDnsZoneGroupArgs;
import com.pulumi.azurenative.network.PrivateEndpoint;
import com.pulumi.azurenative.network.PrivateEndpointArgs;
import com.pulumi.azurenative.network.PrivateZone;
import com.pulumi.azurenative.network.PrivateZoneArgs;
import com.pulumi.azurenative.network.VirtualNetworkLink;
import com.pulumi.azurenative.network.VirtualNetworkLinkArgs;
import com.pulumi.azurenative.network.inputs.PrivateDnsZoneConfigArgs;
import com.pulumi.azurenative.network.inputs.PrivateLinkServiceConnectionArgs;
import com.pulumi.azurenative.network.inputs.SubResourceArgs;
import com.pulumi.azurenative.resources.ResourceGroup;
import com.pulumi.azurenative.storage.BlobContainer;
import com.pulumi.azurenative.storage.BlobContainerArgs;
import com.pulumi.azurenative.storage.BlobServiceProperties;
import com.pulumi.azurenative.storage.BlobServicePropertiesArgs;
import com.pulumi.azurenative.storage.StorageAccount;
import com.pulumi.azurenative.storage.StorageAccountArgs;
import com.pulumi.azurenative.storage.enums.Action;
import com.pulumi.azurenative.storage.enums.DefaultAction;
import com.pulumi.azurenative.storage.enums.PublicAccess;
import com.pulumi.azurenative.storage.inputs.DeleteRetentionPolicyArgs;
import com.pulumi.azurenative.storage.inputs.EncryptionArgs;
import com.pulumi.azurenative.storage.inputs.EncryptionServiceArgs;
import com.pulumi.azurenative.storage.inputs.EncryptionServicesArgs;
import com.pulumi.azurenative.storage.inputs.IPRuleArgs;
import com.pulumi.azurenative.storage.inputs.NetworkRuleSetArgs;
import com.pulumi.azurenative.storage.inputs.VirtualNetworkRuleArgs;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.common.KafkaTopics;
import io.recoflow.infra.config.AzureSettings;

import java.util.List;
import java.util.Map;

/**
 * Stateful services on Azure: the data-lake replica (Storage account + private Blob container), Azure Cache for
 * Redis (TLS 1.2 only, reached through a private endpoint) and Event Hubs Standard (Kafka endpoint on 9093, TLS 1.2,
 * Entra ID auth only). All encrypted at rest by the platform (Microsoft-managed keys).
 */
public final class AzureData extends ComponentResource {
    public static final String LAKE_CONTAINER = "lake";

    public final StorageAccount storage;
    public final BlobContainer lake;
    public final Redis redis;
    public final Namespace eventHubs;
    public final EventHub events;
    public final EventHub deadLetters;

    public AzureData(String name, AzureSettings s, ResourceGroup rg, AzureNetwork net, List<String> replicationSourceIps,
                     ComponentResourceOptions options) {
        super("recoflow:azure:Data", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        var tags = s.tags().map();

        // ---- Storage (data-lake replica)
        storage = new StorageAccount(name + "-lake", StorageAccountArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .accountName(s.storageAccountName())
                .kind("StorageV2")
                .sku(com.pulumi.azurenative.storage.inputs.SkuArgs.builder().name(s.storageSku()).build())
                .accessTier(com.pulumi.azurenative.storage.enums.AccessTier.Hot)
                .allowBlobPublicAccess(false)
                .enableHttpsTrafficOnly(true)
                .minimumTlsVersion("TLS1_2")
                // Entra ID only: no account keys, no SAS tokens to leak
                .allowSharedKeyAccess(false)
                .defaultToOAuthAuthentication(true)
                .encryption(EncryptionArgs.builder()
                        .keySource("Microsoft.Storage")
                        .requireInfrastructureEncryption(true)
                        .services(EncryptionServicesArgs.builder()
                                .blob(EncryptionServiceArgs.builder().enabled(true).keyType("Account").build())
                                .file(EncryptionServiceArgs.builder().enabled(true).keyType("Account").build())
                                .build())
                        .build())
                .networkRuleSet(NetworkRuleSetArgs.builder()
                        .defaultAction(DefaultAction.Deny)
                        .bypass("AzureServices")
                        .virtualNetworkRules(
                                VirtualNetworkRuleArgs.builder().virtualNetworkResourceId(net.systemSubnet.id()).action(Action.Allow).build(),
                                VirtualNetworkRuleArgs.builder().virtualNetworkResourceId(net.spotSubnet.id()).action(Action.Allow).build())
                        // the replication job runs on EKS: admit the AWS NAT gateways' public IPs only
                        .ipRules(replicationSourceIps.stream()
                                .map(ip -> IPRuleArgs.builder().iPAddressOrRange(ip).action(Action.Allow).build()).toList())
                        .build())
                .tags(tags)
                .build(), opts);
        new BlobServiceProperties(name + "-lake-blob", BlobServicePropertiesArgs.builder()
                .resourceGroupName(rg.name())
                .accountName(storage.name())
                .blobServicesName("default")
                .isVersioningEnabled(true)
                .deleteRetentionPolicy(DeleteRetentionPolicyArgs.builder().enabled(true).days(s.softDeleteDays()).build())
                .containerDeleteRetentionPolicy(DeleteRetentionPolicyArgs.builder().enabled(true).days(s.softDeleteDays()).build())
                .build(), opts);
        lake = new BlobContainer(name + "-lake-container", BlobContainerArgs.builder()
                .resourceGroupName(rg.name())
                .accountName(storage.name())
                .containerName(LAKE_CONTAINER)
                .publicAccess(PublicAccess.None)
                .build(), opts);

        // ---- Azure Cache for Redis
        redis = new Redis(name + "-redis", RedisArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .name(s.prefix() + "-redis-" + s.suffix())
                .sku(SkuArgs.builder().name(s.redisSku()).family(s.redisFamily()).capacity(s.redisCapacity()).build())
                .enableNonSslPort(false)
                .minimumTlsVersion("1.2")
                .publicNetworkAccess("Disabled")
                .redisVersion("6")
                .tags(tags)
                .build(), opts);
        privateEndpoint(name + "-redis", s, rg, net, redis.id(), "redisCache", "privatelink.redis.cache.windows.net", opts);

        // ---- Event Hubs (Kafka protocol; Standard is the cheapest tier with the Kafka endpoint)
        eventHubs = new Namespace(name + "-eventhubs", NamespaceArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .namespaceName(s.prefix() + "-events-" + s.suffix())
                .sku(com.pulumi.azurenative.eventhub.inputs.SkuArgs.builder()
                        .name("Standard").tier("Standard").capacity(s.eventHubsUnits()).build())
                .isAutoInflateEnabled(s.eventHubsMaxUnits() > s.eventHubsUnits())
                .maximumThroughputUnits(s.eventHubsMaxUnits() > s.eventHubsUnits() ? s.eventHubsMaxUnits() : 0)
                .kafkaEnabled(true)
                .minimumTlsVersion("1.2")
                .disableLocalAuth(true)
                .zoneRedundant(s.env().equals("prod"))
                .tags(tags)
                .build(), CustomResourceOptions.builder().parent(this).ignoreChanges("sku.capacity").build());
        events = hub(name + "-events", KafkaTopics.EVENTS, s.env().equals("prod") ? 12 : 4, rg, opts);
        deadLetters = hub(name + "-events-dlt", KafkaTopics.EVENTS_DLT, 2, rg, opts);

        registerOutputs(Map.of("storageAccount", storage.name()));
    }

    private EventHub hub(String name, String hubName, int partitions, ResourceGroup rg, CustomResourceOptions opts) {
        return new EventHub(name, EventHubArgs.builder()
                .resourceGroupName(rg.name())
                .namespaceName(eventHubs.name())
                .eventHubName(hubName)
                .partitionCount((double) partitions)
                .messageRetentionInDays(7.0)
                .build(), opts);
    }

    private void privateEndpoint(String name, AzureSettings s, ResourceGroup rg, AzureNetwork net,
                                 com.pulumi.core.Output<String> targetId, String groupId, String zoneName,
                                 CustomResourceOptions opts) {
        var zone = new PrivateZone(name + "-dns", PrivateZoneArgs.builder()
                .resourceGroupName(rg.name())
                .privateZoneName(zoneName)
                .location("Global")
                .tags(s.tags().map())
                .build(), opts);
        new VirtualNetworkLink(name + "-dns-link", VirtualNetworkLinkArgs.builder()
                .resourceGroupName(rg.name())
                .privateZoneName(zone.name())
                .virtualNetworkLinkName(s.prefix() + "-" + groupId)
                .location("Global")
                .registrationEnabled(false)
                .virtualNetwork(SubResourceArgs.builder().id(net.vnet.id()).build())
                .tags(s.tags().map())
                .build(), opts);
        var pe = new PrivateEndpoint(name + "-pe", PrivateEndpointArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .privateEndpointName(s.prefix() + "-" + groupId + "-pe")
                .subnet(com.pulumi.azurenative.network.inputs.SubnetArgs.builder().id(net.dataSubnet.id()).build())
                .privateLinkServiceConnections(PrivateLinkServiceConnectionArgs.builder()
                        .name(groupId).privateLinkServiceId(targetId).groupIds(groupId).build())
                .tags(s.tags().map())
                .build(), opts);
        new PrivateDnsZoneGroup(name + "-pe-dns", PrivateDnsZoneGroupArgs.builder()
                .resourceGroupName(rg.name())
                .privateEndpointName(pe.name())
                .privateDnsZoneGroupName("default")
                .privateDnsZoneConfigs(PrivateDnsZoneConfigArgs.builder().name(groupId).privateDnsZoneId(zone.id()).build())
                .build(), opts);
    }
}
