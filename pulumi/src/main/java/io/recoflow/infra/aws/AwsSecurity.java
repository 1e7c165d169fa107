package io.recoflow.infra.aws;

import com.pulumi.aws.kms.Alias;
import com.pulumi.aws.kms.AliasArgs;
import com.pulumi.aws.kms.Key;
import com.pulumi.aws.kms.KeyArgs;
import com.pulumi.aws.secretsmanager.Secret;
import com.pulumi.aws.secretsmanager.SecretArgs;
import com.pulumi.aws.secretsmanager.SecretVersion;
import com.pulumi.aws.secretsmanager.SecretVersionArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import com.pulumi.resources.CustomResourceOptions;
import io.recoflow.infra.config.AwsSettings;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * KMS keys (rotation on) split by blast radius: `eks` encrypts Kubernetes secrets, `data` encrypts the lake, the
 * databases, Kafka and Secrets Manager, `logs` encrypts CloudWatch Logs (its policy admits the Logs service).
 */
public final class AwsSecurity extends ComponentResource {
    public final Key eksKey;
    public final Key dataKey;
    public final Key logsKey;
    public final Secret redisAuth;
    public final SecretVersion redisAuthVersion;
    /** The Redis AUTH token, as a secret output; also stored in {@link #redisAuth}. */
    public final Output<String> redisAuthToken;

    public AwsSecurity(String name, AwsSettings s, Output<String> accountId, Optional<Output<String>> redisToken,
                       ComponentResourceOptions options) {
        super("recoflow:aws:Security", name, options);
        var opts = CustomResourceOptions.builder().parent(this).build();
        var tags = s.tags();

        eksKey = key(name + "-eks", s, "EKS secrets envelope encryption", accountId.applyValue(a -> rootPolicy(a)), opts);
        dataKey = key(name + "-data", s, "S3 data lake, RDS, ElastiCache, MSK, Secrets Manager",
                accountId.applyValue(a -> rootPolicy(a)), opts);
        logsKey = key(name + "-logs", s, "CloudWatch Logs",
                accountId.applyValue(a -> logsPolicy(a, s.region())), opts);

        redisAuth = new Secret(name + "-redis-auth", SecretArgs.builder()
                .name(s.prefix() + "/redis/auth-token")
                .description("AUTH token of the ElastiCache Redis replication group")
                .kmsKeyId(dataKey.arn())
                .recoveryWindowInDays(7)
                .tags(tags.map())
                .build(), opts);
        // Pulumi Java has no random provider here: a token from config wins, otherwise one is generated once and
        // kept (ignoreChanges), so later runs never rotate it by accident. Rotate with `pulumi config set --secret`.
        redisAuthToken = redisToken.orElseGet(() -> Output.ofSecret(newToken()));
        redisAuthVersion = new SecretVersion(name + "-redis-auth-v", SecretVersionArgs.builder()
                .secretId(redisAuth.id())
                .secretString(redisAuthToken)
                .build(), CustomResourceOptions.builder().parent(this)
                .ignoreChanges(redisToken.isPresent() ? List.of() : List.of("secretString")).build());
        registerOutputs(Map.of("dataKeyArn", dataKey.arn()));
    }

    private Key key(String name, AwsSettings s, String description, Output<String> policy, CustomResourceOptions opts) {
        var key = new Key(name, KeyArgs.builder()
                .description(s.prefix() + ": " + description)
                .enableKeyRotation(true)
                .deletionWindowInDays(s.env().equals("prod") ? 30 : 7)
                .policy(policy)
                .tags(s.tags().named(name))
                .build(), opts);
        new Alias(name + "-alias", AliasArgs.builder()
                .name("alias/" + s.prefix() + "-" + name.substring(name.lastIndexOf('-') + 1))
                .targetKeyId(key.keyId())
                .build(), opts);
        return key;
    }

    /** The account root administers the key (AWS's default policy); IAM policies then grant use per role. */
    static String rootPolicy(String accountId) {
        return IamPolicy.create()
                .allowPrincipal("AccountAdmin", Map.of("AWS", "arn:aws:iam::" + accountId + ":root"),
                        List.of("kms:*"), "*", null)
                .json();
    }

    static String logsPolicy(String accountId, String region) {
        return IamPolicy.create()
                .allowPrincipal("AccountAdmin", Map.of("AWS", "arn:aws:iam::" + accountId + ":root"),
                        List.of("kms:*"), "*", null)
                .allowPrincipal("CloudWatchLogs", Map.of("Service", "logs." + region + ".amazonaws.com"),
                        List.of("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
                        "*",
                        Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
                                "arn:aws:logs:" + region + ":" + accountId + ":log-group:*")))
                .json();
    }

    /** 64 hex chars: within ElastiCache's 16..128 printable-character AUTH rules. */
    static String newToken() {
        var bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
