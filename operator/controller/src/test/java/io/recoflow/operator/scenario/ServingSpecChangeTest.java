package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A change of the serving image or resources is not a model rollout: it goes straight to the active Deployment as
 * a Kubernetes rolling update (maxUnavailable 0, progressDeadlineSeconds from the rollout spec). A bad image never
 * takes traffic away: the previous pods keep serving, the RM says Ready (from the previous pods) and, once
 * Kubernetes reports the progress deadline, Degraded=UpdateStalled with a Warning event. Reverting the spec
 * (in Git) recovers. The operator does not revert the image itself: the spec belongs to GitOps.
 */
class ServingSpecChangeTest extends OperatorHarness {
    static final String BAD = "tensorflow/serving:2.99.0-broken";

    @Test
    void badImageStallsWithoutLosingServingAndRevertRecovers() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        healthy = d -> !BAD.equals(image(d));
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        await(Duration.ofSeconds(20), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        String config = configMap("retail-recs-blue").getData().get("models.config");
        assertThat(deployment("retail-recs-blue").getSpec().getProgressDeadlineSeconds()).isEqualTo(120);

        edit(r -> r.getSpec().image = BAD);
        var rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> reason(r, Conditions.PROGRESSING).equals("PodTemplateUpdate"));
        assertThat(image(deployment("retail-recs-blue"))).isEqualTo(BAD);
        assertThat(rm.getStatus().phase).isEqualTo(ModelPhase.Serving);
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(configMap("retail-recs-blue").getData().get("models.config")).isEqualTo(config);
        // the fake kubelet holds the new pod unready; the old ones keep serving
        rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> reason(r, Conditions.READY).equals("ServingDuringUpdate"));
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.READY)).isTrue();
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.DEGRADED)).isFalse();

        // what the Deployment controller does after progressDeadlineSeconds
        await(Duration.ofSeconds(10), () -> deployment("retail-recs-blue"), d -> d.getStatus() != null
                && d.getStatus().getUpdatedReplicas() != null && d.getStatus().getUpdatedReplicas() == 1);
        Deployment d = deployment("retail-recs-blue");
        List<DeploymentCondition> conditions = new ArrayList<>();
        conditions.add(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet has timed out progressing.").build());
        d.getStatus().setConditions(conditions);
        client.resource(d).updateStatus();

        rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> reason(r, Conditions.DEGRADED).equals("UpdateStalled"));
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.DEGRADED)).isTrue();
        assertThat(Conditions.get(rm.getStatus().conditions, Conditions.DEGRADED).orElseThrow().getMessage())
                .contains("120s", "previous pods keep serving version 1");
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.READY)).isTrue();
        assertThat(Conditions.isTrue(rm.getStatus().conditions, Conditions.PROGRESSING)).isFalse();
        awaitEvent("retail-recs", "Warning", "UpdateStalled");
        assertThat(events("retail-recs").stream().filter(e -> "UpdateStalled".equals(e.getReason())))
                .as("one Warning, not one per reconcile").hasSize(1);

        edit(r -> r.getSpec().image = null); // reverted in Git
        rm = await(Duration.ofSeconds(10), () -> rm("retail-recs"),
                r -> reason(r, Conditions.READY).equals("Serving") && reason(r, Conditions.DEGRADED).equals("AsExpected"));
        assertThat(image(deployment("retail-recs-blue"))).isEqualTo("tensorflow/serving:2.18.0");
        assertThat(rm.getStatus().phase).isEqualTo(ModelPhase.Serving);
    }

    private void edit(java.util.function.Consumer<RecommendationModel> change) {
        editModel("retail-recs", r -> {
            change.accept(r);
        });
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private static String reason(RecommendationModel r, String type) {
        return r.getStatus() == null ? "" : Conditions.get(r.getStatus().conditions, type)
                .map(c -> String.valueOf(c.getReason())).orElse("");
    }
}
