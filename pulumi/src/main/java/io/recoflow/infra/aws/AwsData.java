package io.recoflow.infra.aws;

import com.pulumi.aws.ec2.SecurityGroup;
import com.pulumi.aws.ec2.SecurityGroupArgs;
import com.pulumi.aws.ec2.inputs.SecurityGroupEgressArgs;
import com.pulumi.aws.ec2.inputs.SecurityGroupIngressArgs;
import com.pulumi.aws.elasticache.ReplicationGroup;
import com.pulumi.aws.elasticache.ReplicationGroupArgs;
import com.pulumi.aws.elasticache.SubnetGroup;
import com.pulumi.aws.msk.Cluster;
import com.pulumi.aws.msk.ClusterArgs;
import com.pulumi.aws.msk.inputs.ClusterBrokerNodeGroupInfoArgs;
import com.pulumi.aws.msk.inputs.ClusterBrokerNodeGroupInfoStorageInfoArgs;
import com.pulumi.aws.msk.inputs.ClusterBrokerNodeGroupInfoStorageInfoEbsStorageInfoArgs;
import com.pulumi.aws.msk.inputs.ClusterClientAuthenticationArgs;
import com.pulumi.aws.msk.inputs.ClusterClientAuthenticationSaslArgs;
import com.pulumi.aws.msk.inputs.ClusterEncryptionInfoArgs;
import com.pulumi.aws.msk.inputs.ClusterEncryptionInfoEncryptionInTransitArgs;
import com.pulumi.aws.msk.inputs.ClusterLoggingInfoArgs;
import com.pulumi.aws.msk.inputs.ClusterLoggingInfoBrokerLogsArgs;
import com.pulumi.aws.msk.inputs.ClusterLoggingInfoBrokerLogsCloudwatchLogsArgs;
import com.pulumi.aws.rds.Instance;
import com.pulumi.aws.rds.InstanceArgs;
import com.pulumi.aws.s3.BucketLifecycleConfigurationV2;
import com.pulumi.aws.s3.BucketLifecycleConfigurationV2Args;
import com.pulumi.aws.s3.BucketPublicAccessBlock;
import com.pulumi.aws.s3.BucketPublicAccessBlockArgs;
import com.pulumi.aws.s3.BucketServerSideEncryptionConfigurationV2;
import com.pulumi.aws.s3.BucketServerSideEncryptionConfigurationV2Args;
import com.pulumi.aws.s3.BucketV2;
import com.pulumi.aws.s3.BucketV2Args;
import com.pulumi.aws.s3.BucketVersioningV2;
import com.pulumi.aws.s3.BucketVersioningV2Args;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleFilterArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleTransitionArgs;
import com.pulumi.aws.s3.inputs.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs;
import com.pulumi.aws.s3.inputs.BucketServerSideEncryptionConfigurationV2RuleArgs;
import com.pulumi.aws.s3.inputs.BucketVersioningV2VersioningConfigurationArgs;
import com.pulumi.aws.rds.SubnetGroupArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.config.AwsSettings;

import java.util.List;
import java.util.Map;

/**
 * Stateful services, all private and encrypted at rest (KMS `data` key) and in transit: the S3 data lake, RDS
 * PostgreSQL for MLflow, ElastiCache Redis (features, recommendations) and MSK (event stream, IAM auth over TLS).
 * Each service admits only the EKS cluster security group (which managed node groups use) on its one port.
 */
public final class AwsData extends ComponentResource {
    /** Lake layout: raw events, trained models, MLflow artifacts. IRSA policies are scoped to these prefixes. */
    public static final String EVENTS_PREFIX = "events/";
    public static final String MODELS_PREFIX = "models/";
    public static final String MLFLOW_PREFIX = "mlflow/";
    static final int KAFKA_IAM_PORT = 9098;

    public final BucketV2 lake;
    public final Instance mlflowDb;
    public final ReplicationGroup redis;
    public final Cluster kafka;

    public AwsData(String name, AwsSettings s, AwsNetwork net, AwsSecurity sec, AwsObservability obs,
                   Output<String> clusterSecurityGroupId, ComponentResourceOptions options) {
        super("recoflow:aws:Data", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        var tags = s.tags();
        var dataKey = sec.dataKey.arn();

        // ---- S3 data lake
        lake = new BucketV2(name + "-lake", BucketV2Args.builder()
                .bucketPrefix(s.prefix() + "-lake-")
                .forceDestroy(false)
                .tags(tags.named(s.prefix() + "-lake"))
                .build(), opts);
        new BucketPublicAccessBlock(name + "-lake-pab", BucketPublicAccessBlockArgs.builder()
                .bucket(lake.id())
                .blockPublicAcls(true).blockPublicPolicy(true).ignorePublicAcls(true).restrictPublicBuckets(true)
                .build(), opts);
        new BucketVersioningV2(name + "-lake-versioning", BucketVersioningV2Args.builder()
                .bucket(lake.id())
                .versioningConfiguration(BucketVersioningV2VersioningConfigurationArgs.builder().status("Enabled").build())
                .build(), opts);
        new BucketServerSideEncryptionConfigurationV2(name + "-lake-sse", BucketServerSideEncryptionConfigurationV2Args.builder()
                .bucket(lake.id())
                .rules(BucketServerSideEncryptionConfigurationV2RuleArgs.builder()
                        .applyServerSideEncryptionByDefault(BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs.builder()
                                .sseAlgorithm("aws:kms").kmsMasterKeyId(dataKey).build())
                        // bucket keys cut KMS request charges ~99% for a write-heavy lake
                        .bucketKeyEnabled(true)
                        .build())
                .build(), opts);
        new BucketLifecycleConfigurationV2(name + "-lake-lifecycle", BucketLifecycleConfigurationV2Args.builder()
                .bucket(lake.id())
                .rules(
                        tiering("events-tiering", EVENTS_PREFIX, 30, 90),
                        tiering("mlflow-tiering", MLFLOW_PREFIX, 60, 180),
                        BucketLifecycleConfigurationV2RuleArgs.builder()
                                .id("noncurrent-versions")
                                .status("Enabled")
                                .filter(BucketLifecycleConfigurationV2RuleFilterArgs.builder().prefix("").build())
                                .noncurrentVersionTransitions(BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArgs.builder()
                                        .noncurrentDays(30).storageClass("GLACIER").build())
                                .noncurrentVersionExpiration(BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs.builder()
                                        .noncurrentDays(365).build())
                                .abortIncompleteMultipartUpload(BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs.builder()
                                        .daysAfterInitiation(7).build())
                                .build())
                .build(), opts);

        // ---- RDS PostgreSQL (MLflow backend store)
        var dbSg = securityGroup(name + "-rds-sg", s, net, 5432, "PostgreSQL from EKS nodes", clusterSecurityGroupId, opts);
        var dbSubnets = new com.pulumi.aws.rds.SubnetGroup(name + "-rds-subnets", SubnetGroupArgs.builder()
                .subnetIds(net.privateSubnetIds())
                .tags(tags.named(s.prefix() + "-rds"))
                .build(), opts);
        mlflowDb = new Instance(name + "-mlflow-db", InstanceArgs.builder()
                .identifier(s.prefix() + "-mlflow")
                .engine("postgres")
                .engineVersion("16")
                .instanceClass(s.rdsInstanceClass())
                .allocatedStorage(s.rdsStorageGb())
                .maxAllocatedStorage(s.rdsStorageGb() * 4)
                .storageType("gp3")
                .storageEncrypted(true)
                .kmsKeyId(dataKey)
                .dbName("mlflow")
                .username("mlflow")
                // RDS generates the password into Secrets Manager (encrypted with our key) and rotates it
                .manageMasterUserPassword(true)
                .masterUserSecretKmsKeyId(dataKey)
                .multiAz(s.rdsMultiAz())
                .publiclyAccessible(false)
                .dbSubnetGroupName(dbSubnets.name())
                .vpcSecurityGroupIds(Output.all(dbSg.id()))
                .backupRetentionPeriod(s.rdsBackupDays())
                .backupWindow("03:00-04:00")
                .maintenanceWindow("sun:04:30-sun:05:30")
                .copyTagsToSnapshot(true)
                .deletionProtection(s.env().equals("prod"))
                .skipFinalSnapshot(!s.env().equals("prod"))
                .finalSnapshotIdentifier(s.prefix() + "-mlflow-final")
                .iamDatabaseAuthenticationEnabled(true)
                .enabledCloudwatchLogsExports("postgresql")
                .autoMinorVersionUpgrade(true)
                .tags(tags.named(s.prefix() + "-mlflow"))
                .build(), opts);

        // ---- ElastiCache Redis
        var redisSg = securityGroup(name + "-redis-sg", s, net, 6379, "Redis from EKS nodes", clusterSecurityGroupId, opts);
        var redisSubnets = new SubnetGroup(name + "-redis-subnets", redisSubnetArgs(s, net), opts);
        boolean ha = s.redisNodes() > 1;
        redis = new ReplicationGroup(name + "-redis", ReplicationGroupArgs.builder()
                .replicationGroupId(s.prefix() + "-redis")
                .description("Recoflow features and recommendations (" + s.env() + ")")
                .engine("redis")
                .engineVersion("7.1")
                .nodeType(s.redisNodeType())
                .numCacheClusters(s.redisNodes())
                .automaticFailoverEnabled(ha)
                .multiAzEnabled(ha)
                .port(6379)
                .subnetGroupName(redisSubnets.name())
                .securityGroupIds(Output.all(redisSg.id()))
                .atRestEncryptionEnabled(true)
                .kmsKeyId(dataKey)
                .transitEncryptionEnabled(true)
                .transitEncryptionMode("required")
                .authToken(sec.redisAuthToken)
                .authTokenUpdateStrategy("ROTATE")
                .snapshotRetentionLimit(s.env().equals("dev") ? 0 : 7)
                .tags(tags.named(s.prefix() + "-redis"))
                .build(), CustomResourceOptions.builder().parent(this).ignoreChanges("authToken").build());

        // ---- MSK
        var kafkaSg = securityGroup(name + "-msk-sg", s, net, KAFKA_IAM_PORT, "Kafka (SASL/IAM over TLS) from EKS nodes",
                clusterSecurityGroupId, opts);
        kafka = new Cluster(name + "-msk", ClusterArgs.builder()
                .clusterName(s.prefix() + "-msk")
                .kafkaVersion("3.6.0")
                .numberOfBrokerNodes(s.mskBrokers())
                .brokerNodeGroupInfo(ClusterBrokerNodeGroupInfoArgs.builder()
                        .instanceType(s.mskBrokerType())
                        .clientSubnets(net.privateSubnetIds(s.mskAzs()))
                        .securityGroups(Output.all(kafkaSg.id()))
                        .storageInfo(ClusterBrokerNodeGroupInfoStorageInfoArgs.builder()
                                .ebsStorageInfo(ClusterBrokerNodeGroupInfoStorageInfoEbsStorageInfoArgs.builder()
                                        .volumeSize(s.mskVolumeGb()).build())
                                .build())
                        .build())
                .encryptionInfo(ClusterEncryptionInfoArgs.builder()
                        .encryptionAtRestKmsKeyArn(dataKey)
                        .encryptionInTransit(ClusterEncryptionInfoEncryptionInTransitArgs.builder()
                                .clientBroker("TLS").inCluster(true).build())
                        .build())
                .clientAuthentication(ClusterClientAuthenticationArgs.builder()
                        .unauthenticated(false)
                        .sasl(ClusterClientAuthenticationSaslArgs.builder().iam(true).build())
                        .build())
                .loggingInfo(ClusterLoggingInfoArgs.builder()
                        .brokerLogs(ClusterLoggingInfoBrokerLogsArgs.builder()
                                .cloudwatchLogs(ClusterLoggingInfoBrokerLogsCloudwatchLogsArgs.builder()
                                        .enabled(true).logGroup(obs.mskBrokers.name()).build())
                                .build())
                        .build())
                .tags(tags.named(s.prefix() + "-msk"))
                .build(), opts);

        registerOutputs(Map.of("lakeBucket", lake.bucket()));
    }

    /** Objects under `prefix` move to Standard-IA after iaDays and to Glacier Flexible Retrieval after glacierDays. */
    private static BucketLifecycleConfigurationV2RuleArgs tiering(String id, String prefix, int iaDays, int glacierDays) {
        return BucketLifecycleConfigurationV2RuleArgs.builder()
                .id(id)
                .status("Enabled")
                .filter(BucketLifecycleConfigurationV2RuleFilterArgs.builder().prefix(prefix).build())
                .transitions(
                        BucketLifecycleConfigurationV2RuleTransitionArgs.builder().days(iaDays).storageClass("STANDARD_IA").build(),
                        BucketLifecycleConfigurationV2RuleTransitionArgs.builder().days(glacierDays).storageClass("GLACIER").build())
                .build();
    }

    private static SecurityGroup securityGroup(String name, AwsSettings s, AwsNetwork net, int port, String description,
                                               Output<String> sourceSg, CustomResourceOptions opts) {
        return new SecurityGroup(name, SecurityGroupArgs.builder()
                .vpcId(net.vpc.id())
                .description(description)
                .ingress(SecurityGroupIngressArgs.builder()
                        .description(description)
                        .protocol("tcp").fromPort(port).toPort(port)
                        .securityGroups(sourceSg.applyValue(List::of))
                        .build())
                .egress(SecurityGroupEgressArgs.builder()
                        .description("replies and intra-service traffic stay in the VPC")
                        .protocol("-1").fromPort(0).toPort(0)
                        .cidrBlocks(s.vpcCidr())
                        .build())
                .tags(s.tags().named(name))
                .build(), opts);
    }

    private static com.pulumi.aws.elasticache.SubnetGroupArgs redisSubnetArgs(AwsSettings s, AwsNetwork net) {
        return com.pulumi.aws.elasticache.SubnetGroupArgs.builder()
                .subnetIds(net.privateSubnetIds())
                .description("private subnets")
                .tags(s.tags().named(s.prefix() + "-redis"))
                .build();
    }
}
