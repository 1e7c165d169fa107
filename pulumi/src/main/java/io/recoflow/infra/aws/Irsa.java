package io.recoflow.infra.aws;

import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.common.KafkaTopics;
import io.recoflow.infra.common.Workload;
import io.recoflow.infra.config.AwsSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IAM roles for service accounts: one role per workload, assumable only by that namespace/service account through
 * the cluster's OIDC provider, with an inline policy naming exact actions on exact ARNs (bucket prefixes, topics,
 * consumer groups, secrets, the data key). No wildcard actions; resource wildcards only below an owned prefix.
 */
public final class Irsa extends ComponentResource {
    /** The only statement allowed an unconditioned `"Resource": "*"`: read-only APIs without resource-level ARNs. */
    public static final String DESCRIBE_ONLY_SID = "DescribeOnlyNoResourceLevelPermissions";

    public final Map<Workload, Role> roles = new LinkedHashMap<>();

    /** Inputs resolved to plain strings, so each policy is rendered by one pure function (tested directly). */
    public record Arns(String bucket, String dataKey, String kafkaCluster, String redisSecret, String dbSecret,
                       String clusterName) {
        String objects(String prefix) {
            return bucket + "/" + prefix + "*";
        }

        /** `arn:aws:kafka:r:a:cluster/name/uuid` -> `arn:aws:kafka:r:a:{kind}/name/uuid/{resource}`. */
        String kafka(String kind, String resource) {
            return kafkaCluster.replace(":cluster/", ":" + kind + "/") + "/" + resource;
        }
    }

    public Irsa(String name, AwsSettings s, EksCluster eks, AwsData data, AwsSecurity sec, ComponentResourceOptions options) {
        super("recoflow:aws:Irsa", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        var dbSecret = data.mlflowDb.masterUserSecrets().applyValue(list -> list.stream()
                .map(m -> m.secretArn().orElse("")).filter(a -> !a.isEmpty()).findFirst()
                // manageMasterUserPassword=true always yields one; without it MLflow could not log in anyway
                .orElseThrow(() -> new IllegalStateException("RDS did not report its managed master-user secret")));
        Output<Arns> arns = Output.tuple(data.lake.arn(), sec.dataKey.arn(), data.kafka.arn(), sec.redisAuth.arn(), dbSecret)
                .applyValue(t -> new Arns(t.t1, t.t2, t.t3, t.t4, t.t5, EksCluster.clusterName(s)));
        var issuerHost = eks.oidcIssuer.applyValue(i -> i.replaceFirst("^https://", ""));

        for (var w : Workload.ALL) {
            var trust = Output.tuple(eks.oidc.arn(), issuerHost).applyValue(t -> trustPolicy(t.t1, t.t2, w));
            var role = new Role(name + "-" + w.name(), RoleArgs.builder()
                    .name(s.prefix() + "-" + w.name())
                    .description("IRSA role of " + w.subject())
                    .assumeRolePolicy(trust)
                    .maxSessionDuration(3600)
                    .tags(s.tags().named(s.prefix() + "-" + w.name()))
                    .build(), opts);
            new RolePolicy(name + "-" + w.name() + "-policy", RolePolicyArgs.builder()
                    .role(role.id())
                    .policy(arns.applyValue(a -> policy(w, a)))
                    .build(), opts);
            roles.put(w, role);
        }
        registerOutputs(Map.of());
    }

    public Output<Map<String, String>> roleArns() {
        var names = List.copyOf(roles.keySet());
        return Output.all(names.stream().map(w -> roles.get(w).arn()).toList()).applyValue(arnList -> {
            var m = new LinkedHashMap<String, String>();
            for (int i = 0; i < names.size(); i++) m.put(names.get(i).name(), arnList.get(i));
            return m;
        });
    }

    static String trustPolicy(String oidcProviderArn, String issuerHost, Workload w) {
        return IamPolicy.create().allowPrincipal("IrsaTrust", Map.of("Federated", oidcProviderArn),
                List.of("sts:AssumeRoleWithWebIdentity"), null,
                Map.of("StringEquals", Map.of(
                        issuerHost + ":sub", w.subject(),
                        issuerHost + ":aud", "sts.amazonaws.com"))).json();
    }

    /** Least-privilege inline policy per workload. */
    public static String policy(Workload w, Arns a) {
        var p = IamPolicy.create();
        var kafkaConnect = List.of("kafka-cluster:Connect", "kafka-cluster:DescribeCluster");
        var events = a.kafka("topic", KafkaTopics.EVENTS);
        var dlt = a.kafka("topic", KafkaTopics.EVENTS_DLT);
        switch (w.name()) {
            case "operator" -> p
                    .allow("ReadModelMetadata", List.of("s3:GetObject"), List.of(a.objects(AwsData.MODELS_PREFIX)))
                    .allow("ListModels", List.of("s3:ListBucket"), List.of(a.bucket()), prefixCondition(AwsData.MODELS_PREFIX))
                    .allow("DecryptLake", List.of("kms:Decrypt"), List.of(a.dataKey()))
                    .allow("KafkaConnect", kafkaConnect, List.of(a.kafkaCluster()))
                    // the operator owns topic lifecycle for the platform's topics only
                    .allow("ManageTopics", List.of("kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic",
                            "kafka-cluster:AlterTopic", "kafka-cluster:DescribeTopicDynamicConfiguration"),
                            List.of(a.kafka("topic", "recoflow.*")));
            case "trainer" -> p
                    .allow("ReadEvents", List.of("s3:GetObject"), List.of(a.objects(AwsData.EVENTS_PREFIX)))
                    .allow("WriteModels", List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                            List.of(a.objects(AwsData.MODELS_PREFIX)))
                    .allow("ListOwnPrefixes", List.of("s3:ListBucket"), List.of(a.bucket()),
                            prefixCondition(AwsData.EVENTS_PREFIX, AwsData.MODELS_PREFIX))
                    .allow("UseLakeKey", List.of("kms:Decrypt", "kms:GenerateDataKey"), List.of(a.dataKey()));
            case "rec-service" -> p
                    .allow("ReadModels", List.of("s3:GetObject"), List.of(a.objects(AwsData.MODELS_PREFIX)))
                    .allow("ListModels", List.of("s3:ListBucket"), List.of(a.bucket()), prefixCondition(AwsData.MODELS_PREFIX))
                    .allow("DecryptLake", List.of("kms:Decrypt"), List.of(a.dataKey()))
                    .allow("RedisAuth", List.of("secretsmanager:GetSecretValue"), List.of(a.redisSecret()));
            case "event-collector" -> p
                    .allow("KafkaConnect", kafkaConnect, List.of(a.kafkaCluster()))
                    .allow("ProduceEvents", List.of("kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"), List.of(events));
            case "feature-worker" -> p
                    .allow("KafkaConnect", kafkaConnect, List.of(a.kafkaCluster()))
                    .allow("ConsumeEvents", List.of("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"), List.of(events))
                    .allow("ProduceDeadLetters", List.of("kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"), List.of(dlt))
                    .allow("ConsumerGroup", List.of("kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"),
                            List.of(a.kafka("group", "feature-worker")))
                    .allow("RedisAuth", List.of("secretsmanager:GetSecretValue"), List.of(a.redisSecret()));
            case "mlflow" -> p
                    .allow("Artifacts", List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                            List.of(a.objects(AwsData.MLFLOW_PREFIX)))
                    .allow("ListArtifacts", List.of("s3:ListBucket"), List.of(a.bucket()), prefixCondition(AwsData.MLFLOW_PREFIX))
                    .allow("UseLakeKey", List.of("kms:Decrypt", "kms:GenerateDataKey"), List.of(a.dataKey()))
                    .allow("DbCredentials", List.of("secretsmanager:GetSecretValue"), List.of(a.dbSecret()));
            // the replica is a full copy by design: read-only on the whole bucket, nothing else
            case "datalake-replicator" -> p
                    .allow("ReadLake", List.of("s3:GetObject", "s3:GetObjectVersion"), List.of(a.objects("")))
                    .allow("ListLake", List.of("s3:ListBucket", "s3:GetBucketLocation"), List.of(a.bucket()))
                    .allow("DecryptLake", List.of("kms:Decrypt"), List.of(a.dataKey()));
            // AWS's documented minimum for cluster-autoscaler. Describe/Get calls have no resource-level permissions,
            // hence "*" (read-only); scaling calls are limited by tag to this cluster's node-group ASGs.
            case "cluster-autoscaler" -> p
                    .allow(DESCRIBE_ONLY_SID, List.of("autoscaling:DescribeAutoScalingGroups",
                            "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
                            "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages",
                            "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions",
                            "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup"), List.of("*"))
                    .allow("ScaleOwnNodeGroups", List.of("autoscaling:SetDesiredCapacity",
                            "autoscaling:TerminateInstanceInAutoScalingGroup"), List.of("*"),
                            Map.of("StringEquals", Map.of("aws:ResourceTag/k8s.io/cluster-autoscaler/" + a.clusterName(), "owned")));
            default -> throw new IllegalArgumentException("no IAM policy defined for workload " + w.name());
        }
        return p.json();
    }

    private static Map<String, Object> prefixCondition(String... prefixes) {
        return Map.of("StringLike", Map.of("s3:prefix", java.util.Arrays.stream(prefixes).map(x -> x + "*").toList()));
    }
}
