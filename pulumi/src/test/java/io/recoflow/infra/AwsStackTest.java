package io.recoflow.infra;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.recoflow.infra.aws.AwsData;
import io.recoflow.infra.aws.Irsa;
import io.recoflow.infra.common.Pools;
import io.recoflow.infra.common.Workload;
import io.recoflow.infra.config.AwsSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.recoflow.infra.StackRun.at;
import static io.recoflow.infra.StackRun.list;
import static io.recoflow.infra.StackRun.map;
import static org.assertj.core.api.Assertions.assertThat;

/** The AWS program under Pulumi mocks, for every committed stack: security, cost and shape rules. */
class AwsStackTest {
    static List<String> stacks() {
        return StackRun.STACKS;
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void vpcSpansThreeAzsWithNatPerStackConfig(String stack) {
        var run = StackRun.aws(stack);
        var s = StackRun.awsSettings(stack);
        var subnets = run.ofType("aws:ec2/subnet:Subnet");
        assertThat(subnets).hasSize(6);
        assertThat(subnets).allSatisfy(sn -> assertThat(sn.inputs().get("mapPublicIpOnLaunch")).isEqualTo(false));
        assertThat(subnets.stream().map(sn -> sn.inputs().get("availabilityZone")).distinct()).hasSize(3);
        assertThat(run.ofType("aws:ec2/natGateway:NatGateway")).hasSize(s.natGateways());
        assertThat(s.natGateways()).isEqualTo(stack.equals("prod") ? 3 : 1);
        // every private subnet has its own route table, default route through a NAT
        var privateRts = run.ofType("aws:ec2/routeTable:RouteTable").stream()
                .filter(rt -> rt.name().contains("private")).toList();
        assertThat(privateRts).hasSize(3).allSatisfy(rt ->
                assertThat(map(list(rt.inputs().get("routes")).get(0))).containsKey("natGatewayId"));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void eksIsPrivateEncryptedAndLogged(String stack) {
        var run = StackRun.aws(stack);
        var eks = run.one("aws:eks/cluster:Cluster").inputs();
        assertThat(at(eks, "vpcConfig.endpointPrivateAccess")).isEqualTo(true);
        assertThat(list(at(eks, "vpcConfig.publicAccessCidrs"))).isNotEmpty().doesNotContain("0.0.0.0/0");
        assertThat(list(at(eks, "vpcConfig.subnetIds"))).containsExactlyInAnyOrderElementsOf(privateSubnetIds(run));
        var enc = map(eks.get("encryptionConfig"));
        assertThat(list(enc.get("resources"))).containsExactly("secrets");
        assertThat((String) at(enc, "provider.keyArn")).startsWith("arn:aws:kms:");
        assertThat(list(eks.get("enabledClusterLogTypes")))
                .containsExactlyInAnyOrder("api", "audit", "authenticator", "controllerManager", "scheduler");
        // the control-plane log group exists, with retention and KMS, under the name EKS writes to
        var lg = run.ofType("aws:cloudwatch/logGroup:LogGroup").stream()
                .filter(g -> g.inputs().get("name").equals("/aws/eks/recoflow-" + stack + "-eks/cluster")).findFirst();
        assertThat(lg).isPresent();
        assertThat(run.ofType("aws:cloudwatch/logGroup:LogGroup")).allSatisfy(g -> {
            assertThat(g.inputs().get("retentionInDays")).isEqualTo((double) StackRun.awsSettings(stack).logRetentionDays());
            assertThat(g.inputs().get("kmsKeyId")).asString().startsWith("arn:aws:kms:");
        });
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void nodeGroupsArePrivateAndSpotIsStatelessOnly(String stack) {
        var run = StackRun.aws(stack);
        var s = StackRun.awsSettings(stack);
        var groups = run.ofType("aws:eks/nodeGroup:NodeGroup");
        assertThat(groups).hasSize(2);
        var privateIds = privateSubnetIds(run);
        assertThat(groups).allSatisfy(g ->
                assertThat(list(g.inputs().get("subnetIds"))).containsExactlyInAnyOrderElementsOf(privateIds));

        var system = run.named("aws:eks/nodeGroup:NodeGroup", "eks-system").inputs();
        assertThat(system.get("capacityType")).isEqualTo("ON_DEMAND");
        assertThat(system.get("taints")).isNull();
        assertThat(map(system.get("labels"))).containsEntry(Pools.CAPACITY, "on-demand").doesNotContainKey(Pools.WORKLOAD);

        var spot = run.named("aws:eks/nodeGroup:NodeGroup", "eks-spot").inputs();
        assertThat(spot.get("capacityType")).isEqualTo("SPOT");
        assertThat(map(spot.get("labels"))).containsEntry(Pools.WORKLOAD, Pools.STATELESS);
        assertThat(list(spot.get("taints"))).singleElement().satisfies(t -> {
            assertThat(map(t)).containsEntry("key", Pools.SPOT_TAINT_KEY).containsEntry("effect", "NO_SCHEDULE");
        });
        var scaling = map(spot.get("scalingConfig"));
        assertThat(((Number) scaling.get("minSize")).intValue()).isGreaterThanOrEqualTo(2).isEqualTo(s.spotMin());
        assertThat(((Number) scaling.get("maxSize")).intValue()).isEqualTo(50);
        assertThat(list(spot.get("instanceTypes"))).hasSizeGreaterThanOrEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void nodesUseEncryptedVolumesImdsV2AndTaggedInstances(String stack) {
        var run = StackRun.aws(stack);
        var templates = run.ofType("aws:ec2/launchTemplate:LaunchTemplate");
        assertThat(templates).hasSize(2).allSatisfy(lt -> {
            var ebs = map(map(list(lt.inputs().get("blockDeviceMappings")).get(0)).get("ebs"));
            assertThat(ebs).containsEntry("encrypted", "true").containsEntry("volumeType", "gp3")
                    .containsEntry("volumeSize", (double) StackRun.awsSettings(stack).nodeDiskGb());
            assertThat(map(lt.inputs().get("metadataOptions"))).containsEntry("httpTokens", "required")
                    .containsEntry("httpPutResponseHopLimit", 1.0);
            var specs = list(lt.inputs().get("tagSpecifications"));
            assertThat(specs.stream().map(x -> map(x).get("resourceType"))).containsExactlyInAnyOrder("instance", "volume");
            assertThat(specs).allSatisfy(x -> assertThat(map(map(x).get("tags"))).containsEntry("env", stack)
                    .containsKeys("owner", "cost-center"));
        });
        assertThat(run.ofType("aws:eks/nodeGroup:NodeGroup")).allSatisfy(g -> {
            assertThat(at(g.inputs(), "launchTemplate.version")).isEqualTo("1");
            assertThat(g.inputs().get("diskSize")).isNull();
        });
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void lakeIsPrivateVersionedKmsEncryptedAndTiered(String stack) {
        var run = StackRun.aws(stack);
        assertThat(run.ofType("aws:s3/bucketV2:BucketV2")).hasSize(1);
        var pab = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs();
        assertThat(pab).containsEntry("blockPublicAcls", true).containsEntry("blockPublicPolicy", true)
                .containsEntry("ignorePublicAcls", true).containsEntry("restrictPublicBuckets", true);
        assertThat(at(run.one("aws:s3/bucketVersioningV2:BucketVersioningV2").inputs(), "versioningConfiguration.status"))
                .isEqualTo("Enabled");
        var sse = map(list(run.one("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
                .inputs().get("rules")).get(0));
        assertThat(at(sse, "applyServerSideEncryptionByDefault.sseAlgorithm")).isEqualTo("aws:kms");
        assertThat((String) at(sse, "applyServerSideEncryptionByDefault.kmsMasterKeyId")).startsWith("arn:aws:kms:");
        var rules = list(run.one("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2").inputs().get("rules"));
        var classes = new HashSet<Object>();
        rules.forEach(r -> list(map(r).get("transitions")).forEach(t -> classes.add(map(t).get("storageClass"))));
        assertThat(classes).contains("STANDARD_IA", "GLACIER");
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void databasesAndStreamsAreEncryptedPrivateAndSized(String stack) {
        var run = StackRun.aws(stack);
        var s = StackRun.awsSettings(stack);
        var db = run.one("aws:rds/instance:Instance").inputs();
        assertThat(db).containsEntry("storageEncrypted", true).containsEntry("publiclyAccessible", false)
                .containsEntry("multiAz", s.rdsMultiAz()).containsEntry("instanceClass", s.rdsInstanceClass())
                .containsEntry("manageMasterUserPassword", true);
        assertThat(((Number) db.get("backupRetentionPeriod")).intValue()).isGreaterThanOrEqualTo(7);
        assertThat(db.get("kmsKeyId")).asString().startsWith("arn:aws:kms:");
        assertThat(db.get("multiAz")).isEqualTo(stack.equals("prod"));

        var redis = run.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs();
        assertThat(redis).containsEntry("atRestEncryptionEnabled", true).containsEntry("transitEncryptionEnabled", true)
                .containsEntry("transitEncryptionMode", "required").containsEntry("nodeType", s.redisNodeType());
        assertThat(redis.get("authToken")).as("AUTH token set (value is a secret)").isNotNull();
        assertThat(redis.get("kmsKeyId")).asString().startsWith("arn:aws:kms:");
        // the token also lives in Secrets Manager, encrypted with the data key
        var secret = run.ofType("aws:secretsmanager/secret:Secret").stream()
                .filter(x -> x.inputs().get("name").equals("recoflow-" + stack + "/redis/auth-token")).findFirst().orElseThrow();
        assertThat(secret.inputs().get("kmsKeyId")).asString().startsWith("arn:aws:kms:");
        assertThat(run.ofType("aws:secretsmanager/secretVersion:SecretVersion")).hasSize(1);

        var msk = run.one("aws:msk/cluster:Cluster").inputs();
        assertThat(at(msk, "encryptionInfo.encryptionInTransit.clientBroker")).isEqualTo("TLS");
        assertThat(at(msk, "encryptionInfo.encryptionInTransit.inCluster")).isEqualTo(true);
        assertThat((String) at(msk, "encryptionInfo.encryptionAtRestKmsKeyArn")).startsWith("arn:aws:kms:");
        assertThat(at(msk, "clientAuthentication.sasl.iam")).isEqualTo(true);
        assertThat(at(msk, "clientAuthentication.unauthenticated")).isEqualTo(false);
        assertThat(((Number) msk.get("numberOfBrokerNodes")).intValue()).isEqualTo(s.mskBrokers());
        assertThat(list(at(msk, "brokerNodeGroupInfo.clientSubnets"))).hasSize(s.mskAzs())
                .allSatisfy(id -> assertThat(privateSubnetIds(run)).contains((String) id));

        // data services admit only the EKS cluster security group, only on their port
        assertThat(run.ofType("aws:ec2/securityGroup:SecurityGroup")).allSatisfy(sg -> {
            var ingress = list(sg.inputs().get("ingress"));
            assertThat(ingress).allSatisfy(rule -> {
                assertThat(map(rule).get("cidrBlocks")).isNull();
                assertThat(list(map(rule).get("securityGroups"))).containsExactly("sg-eks-cluster");
                assertThat(map(rule).get("fromPort")).isEqualTo(map(rule).get("toPort"));
            });
        });
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void kmsKeysRotate(String stack) {
        var keys = StackRun.aws(stack).ofType("aws:kms/key:Key");
        assertThat(keys).hasSize(3).allSatisfy(k -> assertThat(k.inputs().get("enableKeyRotation")).isEqualTo(true));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void everyTaggableResourceCarriesEnvOwnerCostCenter(String stack) {
        var run = StackRun.aws(stack);
        var provider = run.one("pulumi:providers:aws").inputs();
        var defaultTags = JsonParser.parseString(String.valueOf(provider.get("defaultTags"))).getAsJsonObject()
                .getAsJsonObject("tags");
        assertThat(defaultTags.get("env").getAsString()).isEqualTo(stack);
        assertThat(defaultTags.has("owner") && defaultTags.has("cost-center")).isTrue();
        assertThat(Tagging.untagged(run, "tags", stack)).isEmpty();
        assertThat(Tagging.taggableCount(run)).isGreaterThan(40);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void irsaRolesAreScopedToOneServiceAccountAndLeastPrivilege(String stack) {
        var run = StackRun.aws(stack);
        var roles = run.ofType("aws:iam/role:Role").stream().filter(r -> r.name().startsWith("irsa-")).toList();
        assertThat(roles).hasSize(Workload.ALL.size());
        for (var w : Workload.ALL) {
            var trust = JsonParser.parseString((String) run.named("aws:iam/role:Role", "irsa-" + w.name()).inputs()
                    .get("assumeRolePolicy")).getAsJsonObject().getAsJsonArray("Statement").get(0).getAsJsonObject();
            assertThat(trust.get("Action").getAsString()).isEqualTo("sts:AssumeRoleWithWebIdentity");
            var eq = trust.getAsJsonObject("Condition").getAsJsonObject("StringEquals");
            var issuer = RecordingMocks.EKS_ISSUER.replace("https://", "");
            assertThat(eq.get(issuer + ":sub").getAsString()).isEqualTo(w.subject());
            assertThat(eq.get(issuer + ":aud").getAsString()).isEqualTo("sts.amazonaws.com");
        }
        var policies = run.ofType("aws:iam/rolePolicy:RolePolicy");
        assertThat(policies).hasSize(Workload.ALL.size());
        for (var p : policies) {
            for (var st : JsonParser.parseString((String) p.inputs().get("policy")).getAsJsonObject().getAsJsonArray("Statement")) {
                var o = st.getAsJsonObject();
                assertThat(o.get("Effect").getAsString()).isEqualTo("Allow");
                assertThat(strings(o.get("Action"))).allSatisfy(a -> assertThat(a).doesNotContain("*"));
                var resources = strings(o.get("Resource"));
                if (resources.equals(List.of("*"))) {
                    // justified only for read-only APIs without resource-level permissions, or when a tag condition
                    // narrows it to this cluster's own resources
                    var sid = o.get("Sid").getAsString();
                    if (sid.equals(Irsa.DESCRIBE_ONLY_SID)) {
                        assertThat(strings(o.get("Action"))).allSatisfy(a ->
                                assertThat(a.split(":")[1]).matches("(Describe|Get).*"));
                    } else {
                        assertThat(o.getAsJsonObject("Condition").getAsJsonObject("StringEquals").keySet())
                                .singleElement().asString().startsWith("aws:ResourceTag/k8s.io/cluster-autoscaler/recoflow-" + stack);
                    }
                    continue;
                }
                // a wildcard may only close an ARN below an owned prefix/topic family, never stand alone
                assertThat(resources).allSatisfy(r -> {
                    assertThat(r).startsWith("arn:aws:");
                    assertThat(r.indexOf('*')).isIn(-1, r.length() - 1);
                });
            }
        }
    }

    @Test
    void recServiceReadsModelsOnlyAndTrainerWritesOnlyItsPrefix() {
        var run = StackRun.aws("dev");
        var rec = statements(run, "irsa-rec-service-policy");
        var bucketArn = "arn:aws:s3:::" + run.outputs().get("lakeBucket");
        assertThat(rec).anySatisfy(st -> {
            assertThat(strings(st.get("Action"))).containsExactly("s3:GetObject");
            assertThat(strings(st.get("Resource"))).containsExactly(bucketArn + "/" + AwsData.MODELS_PREFIX + "*");
        });
        assertThat(rec.stream().flatMap(st -> strings(st.get("Action")).stream()))
                .doesNotContain("s3:PutObject", "s3:DeleteObject", "kms:GenerateDataKey");
        var trainer = statements(run, "irsa-trainer-policy");
        var writes = trainer.stream().filter(st -> strings(st.get("Action")).contains("s3:PutObject")).toList();
        assertThat(writes).singleElement().satisfies(st ->
                assertThat(strings(st.get("Resource"))).containsExactly(bucketArn + "/" + AwsData.MODELS_PREFIX + "*"));
        var collector = statements(run, "irsa-event-collector-policy");
        var autoscaler = statements(run, "irsa-cluster-autoscaler-policy");
        assertThat(autoscaler).hasSize(2);
        assertThat(collector.stream().flatMap(st -> strings(st.get("Resource")).stream()))
                .allSatisfy(r -> assertThat(r).startsWith("arn:aws:kafka:"))
                .anySatisfy(r -> assertThat(r).endsWith("/recoflow.events"));
    }

    @Test
    void devIsSmallerThanProdInEverySizedDimension() {
        AwsSettings dev = StackRun.awsSettings("dev"), staging = StackRun.awsSettings("staging"), prod = StackRun.awsSettings("prod");
        assertThat(dev.natGateways()).isLessThan(prod.natGateways());
        assertThat(dev.systemNodesMin()).isLessThan(prod.systemNodesMin());
        assertThat(dev.spotDesired()).isLessThan(prod.spotDesired());
        assertThat(dev.redisNodes()).isLessThan(staging.redisNodes()).isLessThan(prod.redisNodes());
        assertThat(dev.rdsStorageGb()).isLessThan(staging.rdsStorageGb()).isLessThan(prod.rdsStorageGb());
        assertThat(dev.mskBrokers()).isLessThan(prod.mskBrokers());
        assertThat(dev.mskVolumeGb()).isLessThan(prod.mskVolumeGb());
        assertThat(dev.logRetentionDays()).isLessThan(prod.logRetentionDays());
        assertThat(dev.rdsMultiAz()).isFalse();
        assertThat(prod.rdsMultiAz()).isTrue();
        // the mocked deployment used exactly these values
        assertThat(StackRun.aws("dev").one("aws:elasticache/replicationGroup:ReplicationGroup").inputs())
                .containsEntry("numCacheClusters", (double) dev.redisNodes());
        assertThat(StackRun.aws("prod").one("aws:elasticache/replicationGroup:ReplicationGroup").inputs())
                .containsEntry("numCacheClusters", (double) prod.redisNodes()).containsEntry("multiAzEnabled", true);
    }

    @Test
    void outputsAreAClusterTargetAndItsSecretWithTheKubeconfigKeptSecret() {
        var run = StackRun.aws("dev");
        var labels = Map.of("env", "dev", "owner", "platform-team", "cost-center", "cc-recoflow-dev", "app", "recoflow",
                "managed-by", "pulumi");
        assertThat(run.outputs().get("clusterTarget")).isEqualTo(Map.of(
                "apiVersion", "recoflow.io/v1alpha1", "kind", "ClusterTarget", "metadata", Map.of("name", "eks-dev"),
                "spec", Map.of("cloud", "aws", "region", "us-east-1",
                        "kubeconfigSecretRef", Map.of("namespace", "recoflow-system", "name", "cluster-eks-dev", "key", "kubeconfig"),
                        // t3.medium system nodes: $0.0416/h for 2 vCPUs
                        "costPerCoreHourUSD", 0.0208, "labels", labels)));
        var kubeconfig = (String) run.outputs().get("kubeconfig");
        assertThat(run.outputs().get("clusterTargetSecret")).isEqualTo(Map.of(
                "apiVersion", "v1", "kind", "Secret", "metadata", Map.of("name", "cluster-eks-dev", "namespace", "recoflow-system"),
                "type", "Opaque", "stringData", Map.of("kubeconfig", kubeconfig)));
        assertThat(kubeconfig).contains("server: https://EXAMPLE.gr7").contains("command: aws").contains("recoflow-dev-eks")
                .doesNotContain("token:");
        assertThat(run.secretOutputs()).contains("kubeconfig", "clusterTargetSecret").doesNotContain("clusterTarget");
        assertThat(map(run.outputs().get("roleArns"))).containsKeys("trainer", "rec-service", "datalake-replicator");
        assertThat(list(run.outputs().get("natPublicIps"))).hasSize(1).allSatisfy(ip -> assertThat((String) ip).startsWith("198.51.100."));
        assertThat(list(StackRun.aws("prod").outputs().get("natPublicIps"))).hasSize(3);
        // the data services keep their own outputs
        assertThat(run.outputs()).containsEntry("redisEndpoint", "master.recoflow-dev-redis.cache.amazonaws.com")
                .containsEntry("kafkaBootstrap", "b-1.msk.example:9098,b-2.msk.example:9098");
    }

    @Test
    void clusterTargetNamesThePricedSystemNodesAndTheConfiguredEndpoint() {
        var prod = map(map(StackRun.aws("prod").outputs().get("clusterTarget")).get("spec"));
        assertThat(map(map(StackRun.aws("prod").outputs().get("clusterTarget")).get("metadata"))).containsEntry("name", "eks-prod");
        assertThat(prod).containsEntry("costPerCoreHourUSD", 0.048).doesNotContainKey("endpoint");  // m6i.large: $0.096/h, 2 vCPUs
        var run = StackRun.aws("dev", Map.of("servingEndpoint", "https://recs.eks-dev.example.com"));
        assertThat(map(map(run.outputs().get("clusterTarget")).get("spec")))
                .containsEntry("endpoint", "https://recs.eks-dev.example.com");
        // a node type the price table does not know: no cost rather than a wrong one
        var unpriced = StackRun.aws("dev", Map.of("systemNodeType", "c7g.large"));
        assertThat(map(map(unpriced.outputs().get("clusterTarget")).get("spec"))).doesNotContainKey("costPerCoreHourUSD");
    }

    @Test
    void replicationManifestWaitsForTheAzureIdentityThenRendersACronJob() {
        assertThat(StackRun.aws("dev").outputs().get("replicationManifest")).isEqualTo("");
        var run = StackRun.aws("dev", Map.of("replicaClientId", "client-123", "replicaTenantId", "tenant-456"));
        var yaml = (String) run.outputs().get("replicationManifest");
        assertThat(yaml).contains("kind: CronJob", "kind: ServiceAccount", "concurrencyPolicy: Forbid",
                "eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/recoflow-dev-datalake-replicator",
                "azure.workload.identity/client-id: \"client-123\"", "RCLONE_CONFIG_AZBLOB_ACCOUNT, value: rfdevlakerf01",
                "\"copy\", \"s3:" + run.outputs().get("lakeBucket") + "\", \"azblob:lake\"",
                "audience: \"api://AzureADTokenExchange\"", "schedule: \"17 3 * * *\"");
        var docs = new ArrayList<Object>();
        new org.yaml.snakeyaml.Yaml().loadAll(yaml).forEach(docs::add);
        assertThat(docs).hasSize(2);
        assertThat(at(map(docs.get(1)), "spec.jobTemplate.spec.template.spec.serviceAccountName")).isEqualTo("datalake-replicator");
    }

    private static List<com.google.gson.JsonObject> statements(StackRun run, String policyName) {
        var out = new ArrayList<com.google.gson.JsonObject>();
        JsonParser.parseString((String) run.named("aws:iam/rolePolicy:RolePolicy", policyName).inputs().get("policy"))
                .getAsJsonObject().getAsJsonArray("Statement").forEach(e -> out.add(e.getAsJsonObject()));
        return out;
    }

    private static List<String> strings(JsonElement e) {
        var out = new ArrayList<String>();
        if (e.isJsonArray()) e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
        else out.add(e.getAsString());
        return out;
    }

    private static Set<String> privateSubnetIds(StackRun run) {
        var ids = new HashSet<String>();
        run.ofType("aws:ec2/subnet:Subnet").stream().filter(s -> s.name().contains("-private-"))
                .forEach(s -> ids.add(s.name() + "-id"));
        return ids;
    }
}
