package io.recoflow.infra.aws;

import com.pulumi.Pulumi;

/** Entry point of the `recoflow-aws` Pulumi project (pulumi/aws). */
public final class AwsApp {
    private AwsApp() {}

    public static void main(String[] args) {
        Pulumi.run(AwsStack::define);
    }
}
