package io.recoflow.infra.aws;

import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.cloudwatch.LogGroupArgs;
import com.pulumi.aws.kms.Key;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.config.AwsSettings;

import java.util.Map;

/**
 * CloudWatch log groups, created before the services that write to them so retention and KMS apply from the first
 * line (EKS would otherwise create `/aws/eks/&lt;name&gt;/cluster` itself with infinite retention, unencrypted).
 */
public final class AwsObservability extends ComponentResource {
    public final LogGroup eksControlPlane;
    public final LogGroup mskBrokers;
    public final LogGroup apps;

    public AwsObservability(String name, AwsSettings s, String clusterName, Key logsKey, ComponentResourceOptions options) {
        super("recoflow:aws:Observability", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        eksControlPlane = group(name + "-eks", "/aws/eks/" + clusterName + "/cluster", s, logsKey, opts);
        mskBrokers = group(name + "-msk", "/recoflow/" + s.env() + "/msk", s, logsKey, opts);
        apps = group(name + "-apps", "/recoflow/" + s.env() + "/apps", s, logsKey, opts);
        registerOutputs(Map.of("appsLogGroup", apps.name()));
    }

    private static LogGroup group(String name, String path, AwsSettings s, Key key, CustomResourceOptions opts) {
        return new LogGroup(name, LogGroupArgs.builder()
                .name(path)
                .retentionInDays(s.logRetentionDays())
                .kmsKeyId(key.arn())
                .tags(s.tags().named(path))
                .build(), opts);
    }
}
