package io.recoflow.infra.aws;

import com.pulumi.Context;
import com.pulumi.aws.AwsFunctions;
import com.pulumi.aws.Provider;
import com.pulumi.aws.ProviderArgs;
import com.pulumi.aws.inputs.ProviderDefaultTagsArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.deployment.InvokeOptions;
import io.recoflow.infra.common.ClusterRegistration;
import io.recoflow.infra.common.ReplicationJob;
import io.recoflow.infra.common.Workload;
import io.recoflow.infra.config.AwsSettings;
import io.recoflow.infra.config.ConfigSource;
import io.recoflow.infra.cost.Prices;

import java.util.List;
import java.util.Optional;

/** The AWS stack: wires the components and exports the outputs the operator and the Azure stack consume. */
public final class AwsStack {
    public static final String LAKE_CONTAINER = "lake";

    private AwsStack() {}

    public static void define(Context ctx) {
        var config = ConfigSource.of(ctx);
        define(ctx, AwsSettings.of(config), config.opt("redisAuthToken").map(Output::ofSecret));
    }

    public static void define(Context ctx, AwsSettings s, Optional<Output<String>> redisToken) {
        // default tags cover every taggable resource; components still tag explicitly (Name + the same keys) because
        // some resources ignore provider default tags (e.g. ASG-launched instances, EKS-created ENIs/volumes)
        var provider = new Provider("aws-" + s.env(), ProviderArgs.builder()
                .region(s.region())
                .defaultTags(ProviderDefaultTagsArgs.builder().tags(s.tags().map()).build())
                .build());
        var opts = ComponentResourceOptions.builder().providers(provider).build();
        var accountId = AwsFunctions.getCallerIdentity(com.pulumi.aws.inputs.GetCallerIdentityArgs.Empty,
                        InvokeOptions.builder().provider(provider).build())
                .applyValue(id -> id.accountId());

        var security = new AwsSecurity("security", s, accountId, redisToken, opts);
        var obs = new AwsObservability("observability", s, EksCluster.clusterName(s), security.logsKey, opts);
        var net = new AwsNetwork("network", s, opts);
        var eks = new EksCluster("eks", s, net, security.eksKey, List.of(obs.eksControlPlane), opts);
        var clusterSg = eks.cluster.vpcConfig().applyValue(v -> v.clusterSecurityGroupId().orElse(""));
        var data = new AwsData("data", s, net, security, obs, clusterSg, opts);
        var irsa = new Irsa("irsa", s, eks, data, security, opts);

        ctx.export("region", Output.of(s.region()));
        ctx.export("vpcId", net.vpc.id());
        ctx.export("privateSubnetIds", net.privateSubnetIds());
        ctx.export("natPublicIps", net.natPublicIps());
        ctx.export("clusterName", eks.cluster.name());
        ctx.export("apiServer", eks.cluster.endpoint());
        ctx.export("oidcIssuer", eks.oidcIssuer);
        var kubeconfig = eks.kubeconfig(s);
        ctx.export("kubeconfig", kubeconfig);
        ctx.export("lakeBucket", data.lake.bucket());
        ctx.export("redisEndpoint", data.redis.primaryEndpointAddress());
        ctx.export("redisAuthSecretArn", security.redisAuth.arn());
        ctx.export("kafkaBootstrap", data.kafka.bootstrapBrokersSaslIam());
        ctx.export("mlflowDbEndpoint", data.mlflowDb.endpoint());
        ctx.export("roleArns", irsa.roleArns());
        ctx.export("appsLogGroup", obs.apps.name());

        // model pods do not tolerate the spot taint, so they run on (and cost what) the system nodes do
        var member = new ClusterRegistration("eks-" + s.env(), "aws", s.region(), s.servingEndpoint(),
                Prices.coreHour(s.systemNodeType()), s.tags().map());
        ctx.export("clusterTarget", Output.of(member.clusterTarget()));
        ctx.export("clusterTargetSecret", kubeconfig.applyValue(member::secret).asSecret());

        var replication = Output.tuple(data.lake.bucket(), irsa.roles.get(Workload.REPLICATOR).arn())
                .applyValue(t -> replicationManifest(s, t.t1, t.t2));
        ctx.export("replicationManifest", replication);
    }

    /** Empty until the Azure stack's identity is known (recoflow:replicaClientId / replicaTenantId). */
    static String replicationManifest(AwsSettings s, String bucket, String roleArn) {
        if (s.replicaStorageAccount().isEmpty() || s.replicaClientId().isEmpty() || s.replicaTenantId().isEmpty()) {
            return "";
        }
        return new ReplicationJob(s.replicationSchedule(), bucket, s.region(), roleArn, s.replicaStorageAccount().get(),
                LAKE_CONTAINER, s.replicaClientId().get(), s.replicaTenantId().get()).manifest();
    }
}
