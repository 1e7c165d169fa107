package io.recoflow.infra.config;

import io.recoflow.infra.common.ClusterRegistration;

import java.util.List;
import java.util.Optional;

/**
 * Typed sizes of one AWS stack (pulumi/aws/Pulumi.&lt;stack&gt;.yaml, namespace `recoflow`). Defaults are the dev
 * sizes, so a new stack starts small; {@link #validate()} rejects combinations AWS would refuse mid-deploy.
 */
public record AwsSettings(
        Tags tags,
        String region,
        String vpcCidr,
        int azCount,
        int natGateways,
        String eksVersion,
        List<String> publicAccessCidrs,
        String systemNodeType,
        int systemNodesMin,
        int systemNodesMax,
        List<String> spotInstanceTypes,
        int spotMin,
        int spotDesired,
        int spotMax,
        int nodeDiskGb,
        String redisNodeType,
        int redisNodes,
        String rdsInstanceClass,
        int rdsStorageGb,
        boolean rdsMultiAz,
        int rdsBackupDays,
        String mskBrokerType,
        int mskBrokers,
        int mskVolumeGb,
        int logRetentionDays,
        String replicationSchedule,
        Optional<String> replicaStorageAccount,
        Optional<String> replicaClientId,
        Optional<String> replicaTenantId,
        Optional<String> servingEndpoint) {

    /** Spot capacity is for stateless workloads only; the scaler may never go below 2 nor above 50 nodes. */
    public static final int SPOT_FLOOR = 2;
    public static final int SPOT_CEILING = 50;

    public static AwsSettings of(ConfigSource c) {
        return new AwsSettings(
                Tags.of(c),
                c.raw("aws:region").or(() -> c.opt("region")).orElse("us-east-1"),
                c.str("vpcCidr", "10.20.0.0/16"),
                c.integer("azCount", 3),
                c.integer("natGateways", 1),
                c.str("eksVersion", "1.31"),
                c.list("publicAccessCidrs", List.of()),
                c.str("systemNodeType", "t3.medium"),
                c.integer("systemNodesMin", 2),
                c.integer("systemNodesMax", 3),
                c.list("spotInstanceTypes", List.of("m6i.large", "m5.large", "m5a.large")),
                c.integer("spotMin", SPOT_FLOOR),
                c.integer("spotDesired", SPOT_FLOOR),
                c.integer("spotMax", SPOT_CEILING),
                c.integer("nodeDiskGb", 20),
                c.str("redisNodeType", "cache.t4g.micro"),
                c.integer("redisNodes", 1),
                c.str("rdsInstanceClass", "db.t4g.micro"),
                c.integer("rdsStorageGb", 20),
                c.bool("rdsMultiAz", false),
                c.integer("rdsBackupDays", 7),
                c.str("mskBrokerType", "kafka.t3.small"),
                c.integer("mskBrokers", 2),
                c.integer("mskVolumeGb", 20),
                c.integer("logRetentionDays", 7),
                c.str("replicationSchedule", "17 */6 * * *"),
                c.opt("replicaStorageAccount"),
                c.opt("replicaClientId"),
                c.opt("replicaTenantId"),
                c.opt("servingEndpoint")).validate();
    }

    public String env() {
        return tags.env();
    }

    /** Prefix of every physical name: `recoflow-dev`. */
    public String prefix() {
        return "recoflow-" + env();
    }

    /** MSK needs brokers in 2 or 3 AZs and a broker count that is a multiple of them. */
    public int mskAzs() {
        return mskBrokers % 3 == 0 ? 3 : 2;
    }

    public AwsSettings validate() {
        require(azCount >= 2 && azCount <= 3, "azCount must be 2 or 3");
        require(natGateways == 1 || natGateways == azCount, "natGateways must be 1 (shared) or azCount (one per AZ)");
        require(systemNodesMin >= 1 && systemNodesMin <= systemNodesMax, "systemNodesMin must be 1..systemNodesMax");
        require(!spotInstanceTypes.isEmpty(), "spotInstanceTypes must not be empty");
        require(spotMin >= SPOT_FLOOR && spotMax <= SPOT_CEILING && spotMin <= spotDesired && spotDesired <= spotMax,
                "spot bounds must satisfy " + SPOT_FLOOR + " <= spotMin <= spotDesired <= spotMax <= " + SPOT_CEILING);
        require(redisNodes >= 1 && redisNodes <= 6, "redisNodes must be 1..6");
        require(rdsBackupDays >= 1 && rdsBackupDays <= 35, "rdsBackupDays must be 1..35 (0 would disable backups)");
        require(rdsStorageGb >= 20, "rdsStorageGb must be >= 20");
        require(mskBrokers >= 2 && mskBrokers % mskAzs() == 0, "mskBrokers must be a multiple of 2 or 3");
        require(mskAzs() <= azCount, "mskBrokers needs " + mskAzs() + " AZs but azCount is " + azCount);
        require(logRetentionDays > 0, "logRetentionDays must be > 0");
        for (var cidr : publicAccessCidrs) {
            require(!cidr.equals("0.0.0.0/0"), "publicAccessCidrs must not contain 0.0.0.0/0: restrict the API server");
        }
        servingEndpoint.ifPresent(e -> require(ClusterRegistration.isEndpoint(e),
                "servingEndpoint must be an http(s) URL of at most 253 characters, not '" + e + "'"));
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid AWS stack settings: " + message);
    }
}
