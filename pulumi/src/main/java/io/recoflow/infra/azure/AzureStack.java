package io.recoflow.infra.azure;

import com.pulumi.Context;
import com.pulumi.azurenative.authorization.AuthorizationFunctions;
import com.pulumi.azurenative.resources.ResourceGroup;
import com.pulumi.azurenative.resources.ResourceGroupArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResourceOptions;
import io.recoflow.infra.common.ClusterRegistration;
import io.recoflow.infra.common.Workload;
import io.recoflow.infra.config.AzureSettings;
import io.recoflow.infra.config.ConfigSource;
import io.recoflow.infra.cost.Prices;

import java.util.List;

/** The Azure stack: the DR / second-region cluster with its own data services and the data-lake replica. */
public final class AzureStack {
    private AzureStack() {}

    public static void define(Context ctx) {
        var config = ConfigSource.of(ctx);
        define(ctx, AzureSettings.of(config), config.list("replicationSourceIps", List.of()));
    }

    public static void define(Context ctx, AzureSettings s, List<String> replicationSourceIps) {
        // tenant and subscription come from the credentials in use (az login / ARM_* variables)
        var client = AuthorizationFunctions.getClientConfig();
        var tenantId = client.applyValue(c -> c.tenantId());
        var subscriptionId = client.applyValue(c -> c.subscriptionId());
        var tags = s.tags().map();
        var rg = new ResourceGroup("rg", ResourceGroupArgs.builder()
                .resourceGroupName(s.prefix() + "-rg")
                .location(s.location())
                .tags(tags)
                .build());
        var opts = ComponentResourceOptions.builder().build();
        var obs = new AzureObservability("observability", s, rg, opts);
        var net = new AzureNetwork("network", s, rg, opts);
        var aks = new AksCluster("aks", s, rg, net, obs.workspace, tenantId, opts);
        var data = new AzureData("data", s, rg, net, replicationSourceIps, opts);
        var sec = new AzureSecurity("security", s, rg, net, aks, data, tenantId, subscriptionId, opts);

        ctx.export("resourceGroup", rg.name());
        ctx.export("location", Output.of(s.location()));
        ctx.export("clusterName", aks.cluster.name());
        ctx.export("apiServer", aks.apiServer());
        ctx.export("oidcIssuer", aks.oidcIssuer);
        var kubeconfig = aks.kubeconfig(rg);
        ctx.export("kubeconfig", kubeconfig);
        ctx.export("storageAccount", data.storage.name());
        ctx.export("lakeContainer", data.lake.name());
        ctx.export("redisHost", data.redis.hostName());
        ctx.export("kafkaBootstrap", data.eventHubs.name().applyValue(AzureStack::kafkaBootstrap));
        ctx.export("keyVaultUri", sec.vault.properties().applyValue(p -> p.vaultUri().orElse("")));
        ctx.export("logAnalyticsWorkspaceId", obs.workspace.customerId());
        ctx.export("workloadClientIds", sec.clientIds());
        ctx.export("tenantId", tenantId);
        ctx.export("replicatorClientId", sec.identities.get(Workload.REPLICATOR).clientId());

        // model pods do not tolerate the spot taints, so they run on (and cost what) the system pool does
        var member = new ClusterRegistration("aks-" + s.env(), "azure", s.location(), s.servingEndpoint(),
                Prices.coreHour(s.systemVmSize()), s.tags().map());
        ctx.export("clusterTarget", Output.of(member.clusterTarget()));
        ctx.export("clusterTargetSecret", kubeconfig.applyValue(member::secret).asSecret());
    }

    /** Event Hubs exposes the Kafka protocol on 9093 of the namespace host. */
    static String kafkaBootstrap(String namespace) {
        return namespace + ".servicebus.windows.net:9093";
    }
}
