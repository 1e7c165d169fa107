package io.recoflow.infra;

import com.pulumi.test.Mocks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Pulumi mocks that record every registered resource (type, logical name, inputs) and answer with the inputs plus
 * the computed attributes the program reads back (ARNs, endpoints, OIDC issuers ...), shaped like the real providers.
 */
final class RecordingMocks implements Mocks {
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";
    static final String TENANT = "00000000-0000-0000-0000-0000000000bb";
    static final String EKS_ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    static final String AKS_ISSUER = "https://eastus.oic.prod-aks.azure.com/" + TENANT + "/11111111-2222/";

    record Recorded(String type, String name, Map<String, Object> inputs) {}

    final List<Recorded> resources = new ArrayList<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<ResourceResult> newResourceAsync(ResourceArgs args) {
        resources.add(new Recorded(args.type, args.name, args.inputs));
        var state = new HashMap<String, Object>(args.inputs);
        String id = args.name + "-id";
        computed(args.type, args.name, args.inputs, state);
        if (args.type.startsWith("azure-native:")) {
            id = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/" + args.type + "/" + state.get("name");
            state.put("id", id);
        }
        return CompletableFuture.completedFuture(ResourceResult.of(Optional.of(id), state));
    }

    private static void computed(String type, String name, Map<String, Object> in, Map<String, Object> out) {
        String svc = type.contains(":") ? type.split(":")[1].split("/")[0] : "x";
        out.putIfAbsent("arn", "arn:aws:" + svc + ":" + REGION + ":" + ACCOUNT + ":" + name);
        out.putIfAbsent("name", azureName(in).orElse(name));
        switch (type) {
            case "aws:eks/cluster:Cluster" -> {
                out.put("endpoint", "https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com");
                out.put("certificateAuthority", Map.of("data", "Q0EtREFUQQ=="));
                out.put("identities", List.of(Map.of("oidcs", List.of(Map.of("issuer", EKS_ISSUER)))));
                var vpc = new HashMap<String, Object>(castMap(in.get("vpcConfig")));
                vpc.put("clusterSecurityGroupId", "sg-eks-cluster");
                out.put("vpcConfig", vpc);
            }
            case "aws:s3/bucketV2:BucketV2" -> {
                var bucket = in.getOrDefault("bucketPrefix", name) + "x7k2";
                out.put("bucket", bucket);
                out.put("arn", "arn:aws:s3:::" + bucket);
            }
            case "aws:ec2/launchTemplate:LaunchTemplate" -> out.put("latestVersion", 1);
            case "aws:ec2/eip:Eip" -> out.put("publicIp", "198.51.100." + (10 + Math.abs(name.hashCode() % 200)));
            case "aws:msk/cluster:Cluster" -> {
                out.put("arn", "arn:aws:kafka:" + REGION + ":" + ACCOUNT + ":cluster/" + in.get("clusterName") + "/uuid-1");
                out.put("bootstrapBrokersSaslIam", "b-1.msk.example:9098,b-2.msk.example:9098");
            }
            case "aws:elasticache/replicationGroup:ReplicationGroup" ->
                    out.put("primaryEndpointAddress", "master." + in.get("replicationGroupId") + ".cache.amazonaws.com");
            case "aws:rds/instance:Instance" -> {
                out.put("endpoint", in.get("identifier") + ".rds.amazonaws.com:5432");
                out.put("masterUserSecrets", List.of(Map.of("secretArn",
                        "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:rds!db-1234-AbCd")));
            }
            case "aws:secretsmanager/secret:Secret" ->
                    out.put("arn", "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + in.get("name") + "-AbCd");
            case "aws:kms/key:Key" -> {
                out.put("arn", "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + name);
                out.put("keyId", name);
            }
            case "aws:iam/role:Role" -> out.put("arn", "arn:aws:iam::" + ACCOUNT + ":role/" + in.getOrDefault("name", name));
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider" ->
                    out.put("arn", "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + String.valueOf(in.get("url")).replace("https://", ""));
            case "azure-native:containerservice:ManagedCluster" -> {
                out.put("fqdn", in.get("dnsPrefix") + ".hcp.eastus.azmk8s.io");
                out.put("oidcIssuerProfile", Map.of("enabled", true, "issuerURL", AKS_ISSUER));
            }
            case "azure-native:managedidentity:UserAssignedIdentity" -> {
                out.put("clientId", "client-" + name);
                out.put("principalId", "principal-" + name);
            }
            case "azure-native:cache:Redis" -> out.put("hostName", in.get("name") + ".redis.cache.windows.net");
            case "azure-native:keyvault:Vault" -> {
                var props = new HashMap<String, Object>(castMap(in.get("properties")));
                props.put("vaultUri", "https://" + in.get("vaultName") + ".vault.azure.net/");
                out.put("properties", props);
            }
            case "azure-native:operationalinsights:Workspace" -> out.put("customerId", "workspace-guid");
            default -> { }
        }
    }

    /** Azure resources are named by an input such as resourceName/accountName; Pulumi reads it back as `name`. */
    private static Optional<String> azureName(Map<String, Object> in) {
        // most specific first: child resources also carry their parent's name (accountName, resourceName ...)
        for (var key : List.of("agentPoolName", "subnetName", "containerName", "blobServicesName", "eventHubName",
                "federatedIdentityCredentialResourceName", "privateDnsZoneGroupName", "virtualNetworkLinkName",
                "privateEndpointName", "privateZoneName", "resourceName", "accountName", "namespaceName", "vaultName",
                "workspaceName", "virtualNetworkName", "resourceGroupName")) {
            if (in.get(key) instanceof String s) return Optional.of(s);
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** What AKS returns for an Entra ID cluster: the API server at the cluster's FQDN, a kubelogin exec user. */
    static String aksUserKubeconfig(String cluster) {
        var fqdn = cluster.replaceFirst("-aks$", "") + ".hcp.eastus.azmk8s.io";  // dnsPrefix = name without -aks
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    certificate-authority-data: Q0EtREFUQQ==
                    server: https://%2$s:443
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: clusterUser_rg_%1$s
                current-context: %1$s
                users:
                - name: clusterUser_rg_%1$s
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: kubelogin
                      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]
                      interactiveMode: IfAvailable
                """.formatted(cluster, fqdn);
    }

    @Override
    public CompletableFuture<Map<String, Object>> callAsync(CallArgs args) {
        calls.add(args.token);
        return CompletableFuture.completedFuture(switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity" -> Map.of("accountId", ACCOUNT,
                    "arn", "arn:aws:iam::" + ACCOUNT + ":user/ci", "userId", "AIDAEXAMPLE", "id", ACCOUNT);
            case "azure-native:authorization:getClientConfig" -> Map.of("clientId", "cli", "objectId", "obj",
                    "subscriptionId", SUBSCRIPTION, "tenantId", TENANT);
            case "azure-native:containerservice:listManagedClusterUserCredentials" -> Map.of("kubeconfigs", List.of(Map.of(
                    "name", "clusterUser", "value", Base64.getEncoder().encodeToString(
                            aksUserKubeconfig(String.valueOf(args.args.get("resourceName"))).getBytes(StandardCharsets.UTF_8)))));
            default -> throw new IllegalArgumentException("unmocked invoke " + args.token);
        });
    }
}
