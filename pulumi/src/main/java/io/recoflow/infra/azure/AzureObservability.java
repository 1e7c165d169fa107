package io.recoflow.infra.azure;

import com.pulumi.azurenative.operationalinsights.Workspace;
import com.pulumi.azurenative.operationalinsights.WorkspaceArgs;
import com.pulumi.azurenative.operationalinsights.inputs.WorkspaceSkuArgs;
import com.pulumi.azurenative.resources.ResourceGroup;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.config.AzureSettings;

import java.util.Map;

/** Log Analytics workspace for Container Insights and diagnostics; retention from the stack config. */
public final class AzureObservability extends ComponentResource {
    public final Workspace workspace;

    public AzureObservability(String name, AzureSettings s, ResourceGroup rg, ComponentResourceOptions options) {
        super("recoflow:azure:Observability", name, options);
        workspace = new Workspace(name + "-logs", WorkspaceArgs.builder()
                .resourceGroupName(rg.name())
                .location(rg.location())
                .workspaceName(s.prefix() + "-logs")
                .sku(WorkspaceSkuArgs.builder().name("PerGB2018").build())
                .retentionInDays(s.logRetentionDays())
                .tags(s.tags().map())
                .build(), CustomResourceOptions.builder().parent(this).build());
        registerOutputs(Map.of("workspaceId", workspace.id()));
    }
}
