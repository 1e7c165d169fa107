package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BlueGreenTest extends OperatorHarness {

    @Test
    void greenComesUpBesideBlueAndTheServiceSwitchesOnlyWhenItIsAvailable() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.33);
        AtomicBoolean greenMayStart = new AtomicBoolean(false);
        healthy = d -> !d.getMetadata().getName().endsWith("-green") || greenMayStart.get();
        create(Fixtures.model("retail-recs", Strategy.BLUE_GREEN, 300));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving);

        promote("retail-recs-v2");
        await(Duration.ofSeconds(10), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.RollingOut);
        await(Duration.ofSeconds(10), () -> deployment("retail-recs-green"), d -> d != null);
        assertThat(configMap("retail-recs-green").getData().get("models.config"))
                .contains("versions: 2").doesNotContain("versions: 1");
        assertThat(service().getSpec().getSelector()).containsEntry("recoflow.io/slot", "blue");
        assertThat(rm("retail-recs").getStatus().activeSlot).isEqualTo("blue");

        greenMayStart.set(true);
        var rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> r.getStatus().phase == ModelPhase.Serving && r.getStatus().servingVersion == 2);
        assertThat(rm.getStatus().activeSlot).isEqualTo("green");
        assertThat(service().getSpec().getSelector()).containsEntry("recoflow.io/slot", "green");
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("retail-recs").get()
                .getSpec().getScaleTargetRef().getName()).isEqualTo("retail-recs-green");
        await(Duration.ofSeconds(10), () -> deployment("retail-recs-blue") == null, gone -> gone);
    }

    private io.fabric8.kubernetes.api.model.Service service() {
        return client.services().inNamespace(NS).withName("retail-recs").get();
    }
}
