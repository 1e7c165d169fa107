package io.recoflow.infra;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import io.recoflow.infra.aws.AwsStack;
import io.recoflow.infra.azure.AzureStack;

/**
 * What the Pulumi Java host runs (`mvn compile exec:java` in pulumi/): both Pulumi projects share this Maven
 * module, so the project name picks the cloud. {@code AwsApp}/{@code AzureApp} are the per-cloud entry points.
 */
public final class App {
    public static final String AWS_PROJECT = "recoflow-aws";
    public static final String AZURE_PROJECT = "recoflow-azure";

    private App() {}

    public static void main(String[] args) {
        Pulumi.run(App::define);
    }

    static void define(Context ctx) {
        switch (ctx.projectName()) {
            case AWS_PROJECT -> AwsStack.define(ctx);
            case AZURE_PROJECT -> AzureStack.define(ctx);
            default -> throw new IllegalStateException("unknown Pulumi project '" + ctx.projectName()
                    + "': expected " + AWS_PROJECT + " or " + AZURE_PROJECT);
        }
    }
}
