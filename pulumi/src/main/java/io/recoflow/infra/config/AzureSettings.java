package io.recoflow.infra.config;

import io.recoflow.infra.common.ClusterRegistration;

import java.util.List;
import java.util.Optional;

/** Typed sizes of one Azure stack (pulumi/azure/Pulumi.&lt;stack&gt;.yaml, namespace `recoflow`); defaults = dev. */
public record AzureSettings(
        Tags tags,
        String location,
        String suffix,
        String vnetCidr,
        String aksTier,
        Optional<String> kubernetesVersion,
        List<String> authorizedIpRanges,
        List<String> adminGroupObjectIds,
        String systemVmSize,
        int systemNodesMin,
        int systemNodesMax,
        String spotVmSize,
        int spotMin,
        int spotMax,
        int osDiskGb,
        String redisSku,
        String redisFamily,
        int redisCapacity,
        int eventHubsUnits,
        int eventHubsMaxUnits,
        String storageSku,
        int softDeleteDays,
        int logRetentionDays,
        Optional<String> replicationIssuer,
        Optional<String> servingEndpoint) {

    public static AzureSettings of(ConfigSource c) {
        return new AzureSettings(
                Tags.of(c),
                c.raw("azure-native:location").or(() -> c.opt("location")).orElse("eastus"),
                c.str("suffix", "rf01"),
                c.str("vnetCidr", "10.30.0.0/16"),
                c.str("aksTier", "Free"),
                c.opt("kubernetesVersion"),
                c.list("authorizedIpRanges", List.of()),
                c.list("adminGroupObjectIds", List.of()),
                c.str("systemVmSize", "Standard_D2s_v5"),
                c.integer("systemNodesMin", 1),
                c.integer("systemNodesMax", 3),
                c.str("spotVmSize", "Standard_D2s_v5"),
                c.integer("spotMin", AwsSettings.SPOT_FLOOR),
                c.integer("spotMax", AwsSettings.SPOT_CEILING),
                c.integer("osDiskGb", 64),
                c.str("redisSku", "Basic"),
                c.str("redisFamily", "C"),
                c.integer("redisCapacity", 0),
                c.integer("eventHubsUnits", 1),
                c.integer("eventHubsMaxUnits", 2),
                c.str("storageSku", "Standard_LRS"),
                c.integer("softDeleteDays", 7),
                c.integer("logRetentionDays", 30),
                c.opt("replicationIssuer"),
                c.opt("servingEndpoint")).validate();
    }

    public String env() {
        return tags.env();
    }

    public String prefix() {
        return "recoflow-" + env();
    }

    /** Storage account names are global, 3..24 lowercase alphanumerics. */
    public String storageAccountName() {
        return ("rf" + env() + "lake" + suffix).toLowerCase().replaceAll("[^a-z0-9]", "");
    }

    /** Key Vault names are global, 3..24 alphanumerics and dashes. */
    public String keyVaultName() {
        return ("rf-" + env() + "-kv-" + suffix).toLowerCase();
    }

    public AzureSettings validate() {
        require(List.of("Free", "Standard").contains(aksTier), "aksTier must be Free or Standard");
        require(systemNodesMin >= 1 && systemNodesMin <= systemNodesMax, "systemNodesMin must be 1..systemNodesMax");
        require(spotMin >= AwsSettings.SPOT_FLOOR && spotMax <= AwsSettings.SPOT_CEILING && spotMin <= spotMax,
                "spot bounds must satisfy 2 <= spotMin <= spotMax <= 50");
        require(List.of("Basic", "Standard", "Premium").contains(redisSku), "redisSku must be Basic, Standard or Premium");
        require(redisSku.equals("Premium") == redisFamily.equals("P"), "redisFamily must be P for Premium and C otherwise");
        require(eventHubsUnits >= 1 && eventHubsUnits <= eventHubsMaxUnits && eventHubsMaxUnits <= 40,
                "eventHubs units must satisfy 1 <= eventHubsUnits <= eventHubsMaxUnits <= 40");
        require(softDeleteDays >= 1 && softDeleteDays <= 365, "softDeleteDays must be 1..365");
        require(storageAccountName().length() >= 3 && storageAccountName().length() <= 24,
                "storage account name '" + storageAccountName() + "' must be 3..24 chars: shorten recoflow:suffix");
        require(keyVaultName().length() <= 24, "key vault name '" + keyVaultName() + "' must be <= 24 chars");
        for (var cidr : authorizedIpRanges) {
            require(!cidr.equals("0.0.0.0/0"), "authorizedIpRanges must not contain 0.0.0.0/0");
        }
        servingEndpoint.ifPresent(e -> require(ClusterRegistration.isEndpoint(e),
                "servingEndpoint must be an http(s) URL of at most 253 characters, not '" + e + "'"));
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid Azure stack settings: " + message);
    }
}
