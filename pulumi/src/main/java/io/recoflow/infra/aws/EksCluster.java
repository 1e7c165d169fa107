package io.recoflow.infra.aws;

import com.pulumi.aws.eks.Cluster;
import com.pulumi.aws.eks.ClusterArgs;
import com.pulumi.aws.eks.NodeGroup;
import com.pulumi.aws.eks.NodeGroupArgs;
import com.pulumi.aws.eks.inputs.ClusterAccessConfigArgs;
import com.pulumi.aws.eks.inputs.ClusterEncryptionConfigArgs;
import com.pulumi.aws.eks.inputs.ClusterEncryptionConfigProviderArgs;
import com.pulumi.aws.eks.inputs.ClusterVpcConfigArgs;
import com.pulumi.aws.ec2.LaunchTemplate;
import com.pulumi.aws.ec2.LaunchTemplateArgs;
import com.pulumi.aws.ec2.inputs.LaunchTemplateBlockDeviceMappingArgs;
import com.pulumi.aws.ec2.inputs.LaunchTemplateBlockDeviceMappingEbsArgs;
import com.pulumi.aws.ec2.inputs.LaunchTemplateMetadataOptionsArgs;
import com.pulumi.aws.ec2.inputs.LaunchTemplateTagSpecificationArgs;
import com.pulumi.aws.eks.inputs.NodeGroupLaunchTemplateArgs;
import com.pulumi.aws.eks.inputs.NodeGroupScalingConfigArgs;
import com.pulumi.aws.eks.inputs.NodeGroupTaintArgs;
import com.pulumi.aws.eks.inputs.NodeGroupUpdateConfigArgs;
import com.pulumi.aws.iam.OpenIdConnectProvider;
import com.pulumi.aws.iam.OpenIdConnectProviderArgs;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicyAttachment;
import com.pulumi.aws.iam.RolePolicyAttachmentArgs;
import com.pulumi.aws.kms.Key;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.common.Kubeconfigs;
import io.recoflow.infra.common.Pools;
import io.recoflow.infra.config.AwsSettings;

import java.util.List;
import java.util.Map;

/**
 * EKS control plane (private endpoint, public endpoint only from the configured CIDRs, secrets encrypted with KMS,
 * all control-plane log types) and two managed node groups in the private subnets: on-demand `system` for the
 * operator and stateful add-ons, and `spot` for stateless workloads only (label + NoSchedule taint).
 */
public final class EksCluster extends ComponentResource {
    static final List<String> LOG_TYPES = List.of("api", "audit", "authenticator", "controllerManager", "scheduler");
    /** EKS OIDC issuers are served from a certificate chain rooted here (AWS ignores it now, the API still wants it). */
    static final String OIDC_ROOT_CA_THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

    public final Cluster cluster;
    public final NodeGroup systemNodes;
    public final NodeGroup spotNodes;
    public final OpenIdConnectProvider oidc;
    public final Output<String> oidcIssuer;

    public EksCluster(String name, AwsSettings s, AwsNetwork net, Key secretsKey, List<? extends com.pulumi.resources.Resource> logGroups,
                      ComponentResourceOptions options) {
        super("recoflow:aws:EksCluster", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        var tags = s.tags();

        var clusterRole = role(name + "-cluster-role", "eks.amazonaws.com", s,
                List.of("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"), opts);
        var nodeRole = role(name + "-node-role", "ec2.amazonaws.com", s, List.of(
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"), opts);

        cluster = new Cluster(name, ClusterArgs.builder()
                .name(clusterName(s))
                .version(s.eksVersion())
                .roleArn(clusterRole.arn())
                .vpcConfig(ClusterVpcConfigArgs.builder()
                        .subnetIds(net.privateSubnetIds())
                        .endpointPrivateAccess(true)
                        // no CIDRs configured = no public endpoint at all (reach it through VPN / bastion)
                        .endpointPublicAccess(!s.publicAccessCidrs().isEmpty())
                        .publicAccessCidrs(s.publicAccessCidrs())
                        .build())
                .encryptionConfig(ClusterEncryptionConfigArgs.builder()
                        .resources("secrets")
                        .provider(ClusterEncryptionConfigProviderArgs.builder().keyArn(secretsKey.arn()).build())
                        .build())
                .enabledClusterLogTypes(LOG_TYPES)
                .accessConfig(ClusterAccessConfigArgs.builder()
                        .authenticationMode("API")
                        .bootstrapClusterCreatorAdminPermissions(true)
                        .build())
                .tags(tags.named(clusterName(s)))
                .build(), CustomResourceOptions.builder().parent(this).dependsOn(List.copyOf(logGroups)).build());

        systemNodes = new NodeGroup(name + "-system", NodeGroupArgs.builder()
                .clusterName(cluster.name())
                .nodeGroupName("system")
                .nodeRoleArn(nodeRole.arn())
                .subnetIds(net.privateSubnetIds())
                .capacityType("ON_DEMAND")
                .instanceTypes(s.systemNodeType())
                .launchTemplate(launchTemplate(name + "-system-lt", s, "system", opts))
                .scalingConfig(NodeGroupScalingConfigArgs.builder()
                        .minSize(s.systemNodesMin()).desiredSize(s.systemNodesMin()).maxSize(s.systemNodesMax()).build())
                .updateConfig(NodeGroupUpdateConfigArgs.builder().maxUnavailable(1).build())
                .labels(Pools.systemLabels())
                .tags(tags.named(clusterName(s) + "-system"))
                .build(), opts);

        spotNodes = new NodeGroup(name + "-spot", NodeGroupArgs.builder()
                .clusterName(cluster.name())
                .nodeGroupName("spot-stateless")
                .nodeRoleArn(nodeRole.arn())
                .subnetIds(net.privateSubnetIds())
                .capacityType("SPOT")
                // several similar types: spot capacity is drawn from the deepest pool, fewer interruptions
                .instanceTypes(s.spotInstanceTypes())
                .launchTemplate(launchTemplate(name + "-spot-lt", s, "spot", opts))
                .scalingConfig(NodeGroupScalingConfigArgs.builder()
                        .minSize(s.spotMin()).desiredSize(s.spotDesired()).maxSize(s.spotMax()).build())
                .updateConfig(NodeGroupUpdateConfigArgs.builder().maxUnavailablePercentage(33).build())
                .labels(Pools.spotLabels())
                .taints(NodeGroupTaintArgs.builder()
                        .key(Pools.SPOT_TAINT_KEY).value("true").effect("NO_SCHEDULE").build())
                .tags(AwsNetwork.merge(tags.named(clusterName(s) + "-spot"), Map.of(
                        // lets cluster-autoscaler scale from zero knowing the label/taint
                        "k8s.io/cluster-autoscaler/enabled", "true",
                        "k8s.io/cluster-autoscaler/" + clusterName(s), "owned")))
                .build(), CustomResourceOptions.builder().parent(this).ignoreChanges("scalingConfig.desiredSize").build());

        oidcIssuer = cluster.identities().applyValue(ids -> ids.stream()
                .flatMap(i -> i.oidcs().stream()).map(o -> o.issuer().orElse(""))
                .filter(i -> !i.isEmpty()).findFirst().orElse(""));
        oidc = new OpenIdConnectProvider(name + "-oidc", OpenIdConnectProviderArgs.builder()
                .url(oidcIssuer)
                .clientIdLists("sts.amazonaws.com")
                .thumbprintLists(OIDC_ROOT_CA_THUMBPRINT)
                .tags(tags.named(clusterName(s) + "-oidc"))
                .build(), opts);
        registerOutputs(Map.of("endpoint", cluster.endpoint(), "oidcIssuer", oidcIssuer));
    }

    public static String clusterName(AwsSettings s) {
        return s.prefix() + "-eks";
    }

    /** Kubeconfig that authenticates through `aws eks get-token` (no static credentials); a secret output. */
    public Output<String> kubeconfig(AwsSettings s) {
        return Output.tuple(cluster.endpoint(), cluster.certificateAuthority().applyValue(ca -> ca.data().orElse("")))
                .applyValue(t -> Kubeconfigs.eks(clusterName(s), s.region(), t.t1, t.t2))
                .asSecret();
    }

    /**
     * Node launch template: encrypted gp3 root volume, IMDSv2 only with hop limit 1 (pods cannot borrow the node's
     * IAM role; they use IRSA), and tags on the instances and volumes themselves, which neither node-group tags nor
     * provider default tags reach. Cost reports by cost-center therefore include the EC2 and EBS spend.
     */
    private static NodeGroupLaunchTemplateArgs launchTemplate(String name, AwsSettings s, String pool,
                                                              CustomResourceOptions opts) {
        var instanceTags = AwsNetwork.merge(s.tags().named(clusterName(s) + "-" + pool), Map.of("recoflow.io/pool", pool));
        var lt = new LaunchTemplate(name, LaunchTemplateArgs.builder()
                .description("EKS " + pool + " nodes of " + clusterName(s))
                .updateDefaultVersion(true)
                .blockDeviceMappings(LaunchTemplateBlockDeviceMappingArgs.builder()
                        .deviceName("/dev/xvda")
                        .ebs(LaunchTemplateBlockDeviceMappingEbsArgs.builder()
                                .volumeSize(s.nodeDiskGb()).volumeType("gp3").encrypted("true").deleteOnTermination("true")
                                .build())
                        .build())
                .metadataOptions(LaunchTemplateMetadataOptionsArgs.builder()
                        .httpEndpoint("enabled").httpTokens("required").httpPutResponseHopLimit(1).build())
                .tagSpecifications(
                        LaunchTemplateTagSpecificationArgs.builder().resourceType("instance").tags(instanceTags).build(),
                        LaunchTemplateTagSpecificationArgs.builder().resourceType("volume").tags(instanceTags).build())
                .tags(s.tags().named(name))
                .build(), opts);
        return NodeGroupLaunchTemplateArgs.builder()
                .id(lt.id())
                .version(lt.latestVersion().applyValue(String::valueOf))
                .build();
    }

    private static Role role(String name, String service, AwsSettings s, List<String> managedPolicies,
                             CustomResourceOptions opts) {
        var role = new Role(name, RoleArgs.builder()
                .assumeRolePolicy(IamPolicy.serviceTrust(service))
                .tags(s.tags().named(name))
                .build(), opts);
        for (var arn : managedPolicies) {
            new RolePolicyAttachment(name + "-" + arn.substring(arn.lastIndexOf('/') + 1), RolePolicyAttachmentArgs.builder()
                    .role(role.name()).policyArn(arn).build(), opts);
        }
        return role;
    }
}
