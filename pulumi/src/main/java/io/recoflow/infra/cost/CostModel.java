package io.recoflow.infra.cost;

import io.recoflow.infra.config.AwsSettings;
import io.recoflow.infra.config.AzureSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.recoflow.infra.cost.Prices.HOURS;
import static io.recoflow.infra.cost.Prices.of;

/** Monthly cost of a stack from its typed config (the same values `pulumi up` deploys) and {@link Prices}. */
public final class CostModel {
    /** The dev baseline must stay under this, per cloud. */
    public static final double DEV_BUDGET_PER_CLOUD = 500;

    private CostModel() {}

    public static List<CostLine> aws(AwsSettings s) {
        var u = Usage.of(s.env());
        var lines = new ArrayList<CostLine>();
        hourly(lines, "EKS control plane", 1, "cluster", Prices.EKS_CLUSTER_HOUR);
        hourly(lines, "System nodes (on-demand " + s.systemNodeType() + ")", s.systemNodesMin(), "node",
                of(Prices.EC2_HOUR, s.systemNodeType(), "EC2"));
        var spotType = s.spotInstanceTypes().get(0);
        double spotRate = round4(of(Prices.EC2_HOUR, spotType, "EC2") * Prices.SPOT_FACTOR);
        lines.add(new CostLine("Spot nodes (" + spotType + ", baseline = desired)",
                s.spotDesired() + " nodes × " + h() + " × $" + fmt4(spotRate) + "/h (" + fmt4(of(Prices.EC2_HOUR, spotType, "EC2"))
                        + " × " + Prices.SPOT_FACTOR + ")", s.spotDesired() * HOURS * spotRate, true));
        int nodes = s.systemNodesMin() + s.spotDesired();
        perUnit(lines, "Node EBS gp3 volumes", nodes * s.nodeDiskGb(), "GB (" + nodes + " × " + s.nodeDiskGb() + " GB)",
                Prices.EBS_GP3_GB_MONTH, "GB-month", false);
        hourly(lines, "NAT gateways", s.natGateways(), "NAT", Prices.NAT_HOUR);
        hourly(lines, "NAT public IPv4 addresses", s.natGateways(), "IP", Prices.PUBLIC_IPV4_HOUR);
        perUnit(lines, "NAT data processing", u.natGb(), "GB", Prices.NAT_GB, "GB", true);
        hourly(lines, "MSK brokers (" + s.mskBrokerType() + ")", s.mskBrokers(), "broker",
                of(Prices.MSK_BROKER_HOUR, s.mskBrokerType(), "MSK"));
        perUnit(lines, "MSK broker storage", s.mskBrokers() * s.mskVolumeGb(),
                "GB (" + s.mskBrokers() + " × " + s.mskVolumeGb() + " GB)", Prices.MSK_STORAGE_GB_MONTH, "GB-month", false);
        hourly(lines, "ElastiCache Redis (" + s.redisNodeType() + ")", s.redisNodes(), "node",
                of(Prices.ELASTICACHE_NODE_HOUR, s.redisNodeType(), "ElastiCache"));
        int azFactor = s.rdsMultiAz() ? 2 : 1;
        hourly(lines, "RDS PostgreSQL (" + s.rdsInstanceClass() + (s.rdsMultiAz() ? ", Multi-AZ" : ", Single-AZ") + ")",
                azFactor, s.rdsMultiAz() ? "instance (primary + standby)" : "instance", of(Prices.RDS_PG_HOUR, s.rdsInstanceClass(), "RDS"));
        perUnit(lines, "RDS gp3 storage" + (s.rdsMultiAz() ? " (Multi-AZ doubles it)" : ""), s.rdsStorageGb() * azFactor,
                "GB", Prices.RDS_GP3_GB_MONTH, "GB-month", false);
        perUnit(lines, "KMS keys (eks, data, logs)", 3, "keys", Prices.KMS_KEY_MONTH, "key-month", false);
        perUnit(lines, "Secrets Manager (Redis AUTH, RDS master)", 2, "secrets", Prices.SECRET_MONTH, "secret-month", false);
        perUnit(lines, "CloudWatch Logs ingestion", u.logsGb(), "GB", Prices.CW_LOGS_INGEST_GB, "GB", true);
        perUnit(lines, "S3 data lake (Standard)", u.lakeGb(), "GB", Prices.S3_STANDARD_GB_MONTH, "GB-month", true);
        perUnit(lines, "Replication egress S3 -> Azure (internet)", u.replicationGb(), "GB", Prices.EGRESS_INTERNET_GB, "GB", true);
        return lines;
    }

    public static List<CostLine> azure(AzureSettings s) {
        var u = Usage.of(s.env());
        var lines = new ArrayList<CostLine>();
        hourly(lines, "AKS control plane (" + s.aksTier() + " tier)", 1, "cluster", of(Prices.AKS_TIER_HOUR, s.aksTier(), "AKS tier"));
        hourly(lines, "System pool (on-demand " + s.systemVmSize() + ")", s.systemNodesMin(), "node",
                of(Prices.AZURE_VM_HOUR, s.systemVmSize(), "VM"));
        double vm = of(Prices.AZURE_VM_HOUR, s.spotVmSize(), "VM");
        double spotRate = round4(vm * Prices.SPOT_FACTOR);
        lines.add(new CostLine("Spot pool (" + s.spotVmSize() + ", baseline = min)",
                s.spotMin() + " nodes × " + h() + " × $" + fmt4(spotRate) + "/h (" + fmt4(vm) + " × " + Prices.SPOT_FACTOR + ")",
                s.spotMin() * HOURS * spotRate, true));
        var disk = Prices.AZURE_OS_DISK_MONTH.get(s.osDiskGb());
        if (disk == null) throw new IllegalArgumentException("no OS disk price for " + s.osDiskGb() + " GiB: add it to Prices");
        int nodes = s.systemNodesMin() + s.spotMin();
        perUnit(lines, "OS disks (Premium SSD " + s.osDiskGb() + " GiB)", nodes, "disks", disk, "disk-month", false);
        hourly(lines, "Standard Load Balancer (AKS egress)", 1, "LB", Prices.AZURE_LB_HOUR);
        hourly(lines, "Standard public IP (LB outbound)", 1, "IP", Prices.AZURE_PUBLIC_IP_HOUR);
        var redisKey = s.redisSku() + "/" + s.redisFamily() + s.redisCapacity();
        hourly(lines, "Azure Cache for Redis (" + redisKey + ")", 1, "cache", of(Prices.AZURE_REDIS_HOUR, redisKey, "Redis"));
        hourly(lines, "Private endpoint (Redis)", 1, "endpoint", Prices.PRIVATE_ENDPOINT_HOUR);
        perUnit(lines, "Private DNS zone", 1, "zone", Prices.PRIVATE_DNS_ZONE_MONTH, "zone-month", false);
        lines.add(new CostLine("Event Hubs Standard throughput units (baseline)",
                s.eventHubsUnits() + " TU × " + h() + " × $" + fmt4(Prices.EVENT_HUBS_TU_HOUR) + "/h (auto-inflate to "
                        + s.eventHubsMaxUnits() + ")", s.eventHubsUnits() * HOURS * Prices.EVENT_HUBS_TU_HOUR, true));
        perUnit(lines, "Event Hubs ingress events", u.eventMillions(), "M events", Prices.EVENT_HUBS_MILLION_EVENTS, "M events", true);
        perUnit(lines, "Blob replica (Hot, " + s.storageSku() + ")", u.lakeGb(), "GB",
                of(Prices.BLOB_HOT_GB_MONTH, s.storageSku(), "Blob"), "GB-month", true);
        perUnit(lines, "Log Analytics ingestion", u.logsGb(), "GB", Prices.LOG_ANALYTICS_GB, "GB", true);
        perUnit(lines, "Key Vault operations", u.keyVaultOps10k(), "× 10k ops", Prices.KEY_VAULT_10K_OPS, "10k ops", true);
        return lines;
    }

    public static double total(List<CostLine> lines) {
        return lines.stream().mapToDouble(CostLine::monthly).sum();
    }

    public static double traffic(List<CostLine> lines) {
        return lines.stream().filter(CostLine::traffic).mapToDouble(CostLine::monthly).sum();
    }

    private static void hourly(List<CostLine> lines, String item, int count, String unit, double rate) {
        lines.add(new CostLine(item, count + " " + unit + (count == 1 || unit.endsWith(")") ? "" : "s") + " × " + h()
                + " × $" + fmt4(rate) + "/h", count * HOURS * rate, false));
    }

    private static void perUnit(List<CostLine> lines, String item, double qty, String unit, double rate, String per,
                                boolean traffic) {
        lines.add(new CostLine(item, fmtQty(qty) + " " + unit + " × $" + fmt4(rate) + "/" + per, qty * rate, traffic));
    }

    private static String h() {
        return (int) HOURS + " h";
    }

    static String fmt4(double v) {
        var s = String.format(Locale.ROOT, "%.4f", v);
        // keep at least 2 decimals, drop trailing zeros beyond that: 0.1000 -> 0.10, 0.0456 -> 0.0456
        while (s.endsWith("0") && s.indexOf('.') < s.length() - 3) s = s.substring(0, s.length() - 1);
        return s;
    }

    static String fmtQty(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
