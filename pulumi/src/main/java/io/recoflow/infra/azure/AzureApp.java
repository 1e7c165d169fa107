package io.recoflow.infra.azure;

import com.pulumi.Pulumi;

/** Entry point of the `recoflow-azure` Pulumi project (pulumi/azure). */
public final class AzureApp {
    private AzureApp() {}

    public static void main(String[] args) {
        Pulumi.run(AzureStack::define);
    }
}
