package io.recoflow.infra.cost;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * Public on-demand list prices (USD) used by {@link CostModel}. AWS: us-east-1, Linux, on-demand. Azure: eastus,
 * Linux, pay-as-you-go. Spot prices float; {@link #SPOT_FACTOR} is an assumption, not a list price.
 * Update the numbers and {@link #DATE} together, then regenerate docs/cost.md (see {@link CostReport}).
 */
public final class Prices {
    public static final String DATE = "2025-06 list prices (transcribed from aws.amazon.com/pricing and azure.microsoft.com/pricing; not re-fetched on 2026-11-25, the build machine has no internet)";
    public static final String AWS_REGION = "us-east-1";
    public static final String AZURE_REGION = "eastus";
    public static final double HOURS = 730;  // hours per month used by both price calculators

    /** Spot capacity assumed at 35% of on-demand (a 65% discount; m5/m6i large in us-east-1 and D-v5 in eastus). */
    public static final double SPOT_FACTOR = 0.35;

    // ---- AWS
    public static final double EKS_CLUSTER_HOUR = 0.10;
    public static final Map<String, Double> EC2_HOUR = Map.of(
            "t3.medium", 0.0416, "t3.large", 0.0832, "m6i.large", 0.096, "m5.large", 0.096, "m6i.xlarge", 0.192,
            "m5.xlarge", 0.192);
    public static final double EBS_GP3_GB_MONTH = 0.08;
    public static final double NAT_HOUR = 0.045;
    public static final double NAT_GB = 0.045;
    public static final double PUBLIC_IPV4_HOUR = 0.005;
    public static final Map<String, Double> MSK_BROKER_HOUR = Map.of("kafka.t3.small", 0.0456, "kafka.m5.large", 0.21);
    public static final double MSK_STORAGE_GB_MONTH = 0.10;
    public static final Map<String, Double> ELASTICACHE_NODE_HOUR = Map.of(
            "cache.t4g.micro", 0.016, "cache.t4g.small", 0.032, "cache.r6g.large", 0.206);
    /** Single-AZ PostgreSQL; Multi-AZ instance deployments cost twice the instance and storage rate. */
    public static final Map<String, Double> RDS_PG_HOUR = Map.of(
            "db.t4g.micro", 0.016, "db.t4g.small", 0.032, "db.m6g.large", 0.152);
    public static final double RDS_GP3_GB_MONTH = 0.115;
    public static final double KMS_KEY_MONTH = 1.00;
    public static final double SECRET_MONTH = 0.40;
    public static final double CW_LOGS_INGEST_GB = 0.50;
    public static final double S3_STANDARD_GB_MONTH = 0.023;
    public static final double EGRESS_INTERNET_GB = 0.09;

    // ---- Azure
    public static final Map<String, Double> AKS_TIER_HOUR = Map.of("Free", 0.0, "Standard", 0.10);
    public static final Map<String, Double> AZURE_VM_HOUR = Map.of("Standard_D2s_v5", 0.096, "Standard_D4s_v5", 0.192);
    /** Premium SSD managed OS disks by size: P6 (64 GiB), P10 (128 GiB). */
    public static final Map<Integer, Double> AZURE_OS_DISK_MONTH = Map.of(64, 10.21, 128, 19.71);
    public static final double AZURE_LB_HOUR = 0.025;        // Standard LB, first 5 rules
    public static final double AZURE_PUBLIC_IP_HOUR = 0.005; // Standard static IP (LB outbound)
    /** Per cache (Standard = primary + replica; Premium P1 = one shard with replica). */
    public static final Map<String, Double> AZURE_REDIS_HOUR = Map.of("Basic/C0", 0.022, "Standard/C1", 0.138, "Premium/P1", 0.554);
    public static final double PRIVATE_ENDPOINT_HOUR = 0.01;
    public static final double PRIVATE_DNS_ZONE_MONTH = 0.50;
    public static final double EVENT_HUBS_TU_HOUR = 0.030;   // Standard throughput unit
    public static final double EVENT_HUBS_MILLION_EVENTS = 0.028;
    public static final Map<String, Double> BLOB_HOT_GB_MONTH = Map.of("Standard_LRS", 0.0184, "Standard_ZRS", 0.023, "Standard_GRS", 0.0368);
    public static final double LOG_ANALYTICS_GB = 2.76;      // Analytics logs, pay-as-you-go
    public static final double KEY_VAULT_10K_OPS = 0.03;

    /** vCPUs of the node types above, for per-core rates. */
    public static final Map<String, Integer> VCPUS = Map.of(
            "t3.medium", 2, "t3.large", 2, "m6i.large", 2, "m5.large", 2, "m6i.xlarge", 4, "m5.xlarge", 4,
            "Standard_D2s_v5", 2, "Standard_D4s_v5", 4);

    private Prices() {}

    /**
     * On-demand list price of one vCPU-hour of an EC2 instance type or Azure VM size (a ClusterTarget's
     * costPerCoreHourUSD); empty for a type this table does not price. The rate is the us-east-1 / eastus one.
     */
    public static OptionalDouble coreHour(String nodeType) {
        var hour = EC2_HOUR.containsKey(nodeType) ? EC2_HOUR.get(nodeType) : AZURE_VM_HOUR.get(nodeType);
        var vcpus = VCPUS.get(nodeType);
        if (hour == null || vcpus == null) return OptionalDouble.empty();
        return OptionalDouble.of(Math.round(hour / vcpus * 1e6) / 1e6);
    }

    static double of(Map<String, Double> table, String key, String what) {
        var v = table.get(key);
        if (v == null) throw new IllegalArgumentException("no " + what + " price for '" + key + "': add it to Prices");
        return v;
    }
}
