package io.recoflow.infra.aws;

import com.pulumi.aws.ec2.Eip;
import com.pulumi.aws.ec2.EipArgs;
import com.pulumi.aws.ec2.InternetGateway;
import com.pulumi.aws.ec2.InternetGatewayArgs;
import com.pulumi.aws.ec2.NatGateway;
import com.pulumi.aws.ec2.NatGatewayArgs;
import com.pulumi.aws.ec2.RouteTable;
import com.pulumi.aws.ec2.RouteTableArgs;
import com.pulumi.aws.ec2.RouteTableAssociation;
import com.pulumi.aws.ec2.RouteTableAssociationArgs;
import com.pulumi.aws.ec2.Subnet;
import com.pulumi.aws.ec2.SubnetArgs;
import com.pulumi.aws.ec2.Vpc;
import com.pulumi.aws.ec2.VpcArgs;
import com.pulumi.aws.ec2.inputs.RouteTableRouteArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.config.AwsSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VPC over {@code azCount} AZs: a public /20 per AZ (NAT, load balancers) and a private /19 per AZ (nodes, data
 * services). Private route tables point at the NAT of their AZ, or all at the single NAT when natGateways=1 (dev).
 */
public final class AwsNetwork extends ComponentResource {
    public final Vpc vpc;
    public final List<Subnet> publicSubnets = new ArrayList<>();
    public final List<Subnet> privateSubnets = new ArrayList<>();
    /** Public IPs of the NAT gateways: the egress addresses partners (the Azure replica) allow-list. */
    public final List<Eip> natIps = new ArrayList<>();
    public final List<String> azs;

    public AwsNetwork(String name, AwsSettings s, ComponentResourceOptions options) {
        super("recoflow:aws:Network", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        var tags = s.tags();
        azs = availabilityZones(s.region(), s.azCount());

        vpc = new Vpc(name + "-vpc", VpcArgs.builder()
                .cidrBlock(s.vpcCidr())
                .enableDnsHostnames(true)
                .enableDnsSupport(true)
                .tags(tags.named(s.prefix() + "-vpc"))
                .build(), opts);
        var igw = new InternetGateway(name + "-igw", InternetGatewayArgs.builder()
                .vpcId(vpc.id())
                .tags(tags.named(s.prefix() + "-igw"))
                .build(), opts);

        var publicRt = new RouteTable(name + "-public-rt", RouteTableArgs.builder()
                .vpcId(vpc.id())
                .routes(RouteTableRouteArgs.builder().cidrBlock("0.0.0.0/0").gatewayId(igw.id()).build())
                .tags(tags.named(s.prefix() + "-public"))
                .build(), opts);

        var nats = new ArrayList<NatGateway>();
        for (int i = 0; i < azs.size(); i++) {
            var az = azs.get(i);
            var pub = new Subnet(name + "-public-" + az, SubnetArgs.builder()
                    .vpcId(vpc.id())
                    .availabilityZone(az)
                    .cidrBlock(Cidrs.subnet(s.vpcCidr(), 20, i))
                    .mapPublicIpOnLaunch(false)
                    .tags(merge(tags.named(s.prefix() + "-public-" + az), Map.of("kubernetes.io/role/elb", "1")))
                    .build(), opts);
            publicSubnets.add(pub);
            new RouteTableAssociation(name + "-public-rta-" + az, RouteTableAssociationArgs.builder()
                    .subnetId(pub.id()).routeTableId(publicRt.id()).build(), opts);
            if (i < s.natGateways()) {
                var eip = new Eip(name + "-nat-eip-" + az, EipArgs.builder()
                        .domain("vpc")
                        .tags(tags.named(s.prefix() + "-nat-" + az))
                        .build(), opts);
                natIps.add(eip);
                nats.add(new NatGateway(name + "-nat-" + az, NatGatewayArgs.builder()
                        .allocationId(eip.id())
                        .subnetId(pub.id())
                        .tags(tags.named(s.prefix() + "-nat-" + az))
                        .build(), CustomResourceOptions.builder().parent(this).dependsOn(igw).build()));
            }
        }
        for (int i = 0; i < azs.size(); i++) {
            var az = azs.get(i);
            // /19s start after the public /20s: index 2.. of the /19 space
            var priv = new Subnet(name + "-private-" + az, SubnetArgs.builder()
                    .vpcId(vpc.id())
                    .availabilityZone(az)
                    .cidrBlock(Cidrs.subnet(s.vpcCidr(), 19, i + 2))
                    .mapPublicIpOnLaunch(false)
                    .tags(merge(tags.named(s.prefix() + "-private-" + az), Map.of("kubernetes.io/role/internal-elb", "1")))
                    .build(), opts);
            privateSubnets.add(priv);
            var nat = nats.get(Math.min(i, nats.size() - 1));
            var rt = new RouteTable(name + "-private-rt-" + az, RouteTableArgs.builder()
                    .vpcId(vpc.id())
                    .routes(RouteTableRouteArgs.builder().cidrBlock("0.0.0.0/0").natGatewayId(nat.id()).build())
                    .tags(tags.named(s.prefix() + "-private-" + az))
                    .build(), opts);
            new RouteTableAssociation(name + "-private-rta-" + az, RouteTableAssociationArgs.builder()
                    .subnetId(priv.id()).routeTableId(rt.id()).build(), opts);
        }
        registerOutputs(Map.of("vpcId", vpc.id()));
    }

    public Output<List<String>> privateSubnetIds() {
        return ids(privateSubnets);
    }

    public Output<List<String>> privateSubnetIds(int count) {
        return ids(privateSubnets.subList(0, count));
    }

    public Output<List<String>> natPublicIps() {
        return Output.all(natIps.stream().map(Eip::publicIp).toList());
    }

    private static Output<List<String>> ids(List<Subnet> subnets) {
        return Output.all(subnets.stream().map(Subnet::id).toList());
    }

    /** Fixed AZ names keep previews deterministic (no describe call) and the subnet layout stable. */
    static List<String> availabilityZones(String region, int count) {
        return List.of(region + "a", region + "b", region + "c").subList(0, count);
    }

    static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        var m = new java.util.LinkedHashMap<>(a);
        m.putAll(b);
        return Map.copyOf(m);
    }
}
