package io.recoflow.infra;

import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import io.recoflow.infra.config.AwsSettings;
import io.recoflow.infra.config.AzureSettings;
import io.recoflow.infra.config.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stack settings: defaults, parsing and the guard rails that stop a bad Pulumi.<stack>.yaml before any API call. */
class SettingsTest {
    static ConfigSource dev() {
        return StackRun.config("aws", "dev");
    }

    @Test
    void stackFilesAreReadWithListsAndNamespacedKeys() {
        var s = StackRun.awsSettings("dev");
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.spotInstanceTypes()).containsExactly("m6i.large", "m5.large", "m5a.large");
        assertThat(s.publicAccessCidrs()).containsExactly("203.0.113.0/24");
        assertThat(s.tags().map()).containsEntry("env", "dev").containsEntry("cost-center", "cc-recoflow-dev");
        assertThat(s.mskAzs()).isEqualTo(2);
        assertThat(StackRun.awsSettings("prod").mskAzs()).isEqualTo(3);
    }

    @Test
    void emptyConfigFallsBackToDevDefaults() {
        var s = AwsSettings.of(new ConfigSource("sandbox", k -> Optional.empty()));
        assertThat(s.natGateways()).isEqualTo(1);
        assertThat(s.spotMin()).isEqualTo(2);
        assertThat(s.spotMax()).isEqualTo(50);
        assertThat(s.tags().env()).isEqualTo("sandbox");
        var a = AzureSettings.of(new ConfigSource("sandbox", k -> Optional.empty()));
        assertThat(a.storageAccountName()).isEqualTo("rfsandboxlakerf01");
        assertThat(a.aksTier()).isEqualTo("Free");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "spotMax|51|spotMin <= spotDesired <= spotMax <= 50",
            "spotMin|1|2 <= spotMin",
            "natGateways|2|natGateways must be 1",
            "publicAccessCidrs|0.0.0.0/0|must not contain 0.0.0.0/0",
            "rdsBackupDays|0|backups",
            "mskBrokers|5|multiple of 2 or 3",
            "azCount|four|must be an integer",
            "rdsMultiAz|yes|must be true/false",
            "servingEndpoint|recs.eks-dev.example.com|servingEndpoint must be an http(s) URL"})
    void badAwsSettingsAreRejectedWithAClearMessage(String key, String value, String message) {
        assertThatThrownBy(() -> AwsSettings.of(dev().with(Map.of(key, value))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redisSku|Enterprise|redisSku must be",
            "redisFamily|C|redisFamily must be P",
            "suffix|averyveryverylongsuffix|shorten recoflow:suffix",
            "spotMax|60|spotMax <= 50",
            "authorizedIpRanges|0.0.0.0/0|must not contain 0.0.0.0/0",
            "aksTier|Premium|aksTier must be",
            "servingEndpoint|https://recs aks|servingEndpoint must be an http(s) URL"})
    void badAzureSettingsAreRejectedWithAClearMessage(String key, String value, String message) {
        var prod = StackRun.config("azure", "prod");
        assertThatThrownBy(() -> AzureSettings.of(prod.with(Map.of(key, value))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dev", "staging", "prod"})
    void awsReplicationTargetIsTheAzureStacksStorageAccount(String stack) {
        assertThat(StackRun.awsSettings(stack).replicaStorageAccount())
                .contains(StackRun.azureSettings(stack).storageAccountName());
    }

    @Test
    void aFileThatIsNotAStackFileIsRejected() throws Exception {
        var f = Files.createTempFile("stack", ".yaml");
        assertThatThrownBy(() -> ConfigSource.fromStackFile(f)).hasMessageContaining("not a Pulumi stack file");
        Files.delete(f);
    }

    @Test
    void theSharedEntryPointRefusesAnUnknownProject() {
        try {
            var result = PulumiTest.withMocks(new RecordingMocks())
                    .withOptions(TestOptions.builder().projectName("recoflow-gcp").stackName("dev").build())
                    .runTest(App::define);
            assertThat(result.exceptions()).anySatisfy(e -> assertThat(e).hasMessageContaining("unknown Pulumi project 'recoflow-gcp'"));
        } finally {
            PulumiTest.cleanup();
        }
    }

    @Test
    void subnetRangesAreCarvedWithoutOverlap() throws Exception {
        var m = Class.forName("io.recoflow.infra.aws.Cidrs").getDeclaredMethod("subnet", String.class, int.class, int.class);
        m.setAccessible(true);
        assertThat(m.invoke(null, "10.20.0.0/16", 20, 2)).isEqualTo("10.20.32.0/20");
        assertThat(m.invoke(null, "10.20.0.0/16", 19, 2)).isEqualTo("10.20.64.0/19");
        assertThat(m.invoke(null, "10.20.0.0/16", 19, 4)).isEqualTo("10.20.128.0/19");
    }
}
