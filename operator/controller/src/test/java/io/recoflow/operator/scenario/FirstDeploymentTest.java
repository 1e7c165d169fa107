package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FirstDeploymentTest extends OperatorHarness {

    @Test
    void productionVersionIsServedByTfServingWithServiceHpaAndConfig() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.31);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));

        RecommendationModel rm = await(Duration.ofSeconds(20), () -> rm("retail-recs"),
                r -> r.getStatus() != null && r.getStatus().phase == ModelPhase.Serving
                        && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(rm.getStatus().lastStableVersion).isEqualTo(1L);
        assertThat(rm.getStatus().lastStableSpec.uri).isEqualTo(base.substring(0, base.length() - 1));
        assertThat(rm.getStatus().observedGeneration).isEqualTo(rm.getMetadata().getGeneration());
        assertThat(rm.getStatus().endpoints).singleElement()
                .satisfies(e -> assertThat(e.grpc).isEqualTo("retail-recs.recs.svc:8500"));

        Deployment d = deployment("retail-recs-blue");
        assertThat(d.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(rm.getMetadata().getUid()));
        assertThat(d.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "recoflow-operator")
                .containsEntry("app.kubernetes.io/instance", "retail-recs");
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("tensorflow/serving:2.18.0");
        assertThat(c.getArgs()).contains("--model_name=retail-recs",
                "--model_config_file=/etc/recoflow/models.config", "--rest_api_port=8501");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v1/models/retail-recs");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8501);
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getVolumes()).anyMatch(v -> "tmp".equals(v.getName()) && v.getEmptyDir() != null);

        String config = configMap("retail-recs-blue").getData().get("models.config");
        assertThat(config).contains("name: \"retail-recs\"", "versions: 1", "key: \"stable\"")
                .doesNotContain("canary");

        Service svc = client.services().inNamespace(NS).withName("retail-recs").get();
        assertThat(svc.getSpec().getSelector()).containsEntry("recoflow.io/slot", "blue");
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(8500, 8501);

        HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS)
                .withName("retail-recs").get();
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("retail-recs-blue");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(hpa.getSpec().getMetrics()).extracting(m -> m.getType()).containsExactly("Resource", "Pods");

        var mv = await(Duration.ofSeconds(10), () -> mv("retail-recs-v1"),
                m -> m.getStatus() != null && m.getStatus().phase == VersionPhase.Serving);
        assertThat(mv.getStatus().metrics).containsEntry("ndcg@10", 0.31);
        awaitEvent("retail-recs", "Normal", "Available");

        // steady state: another reconcile (a new candidate version arrives) writes none of the owned objects
        String deploymentVersion = deployment("retail-recs-blue").getMetadata().getResourceVersion();
        String configVersion = configMap("retail-recs-blue").getMetadata().getResourceVersion();
        String serviceVersion = svc.getMetadata().getResourceVersion();
        String hpaVersion = hpa.getMetadata().getResourceVersion();
        Fixtures.artifact(models, 2, 0.33);
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(10), () -> mv("retail-recs-v2"),
                m -> m.getStatus() != null && m.getStatus().phase == VersionPhase.Ready);
        Thread.sleep(500);
        assertThat(deployment("retail-recs-blue").getMetadata().getResourceVersion()).isEqualTo(deploymentVersion);
        assertThat(configMap("retail-recs-blue").getMetadata().getResourceVersion()).isEqualTo(configVersion);
        assertThat(client.services().inNamespace(NS).withName("retail-recs").get().getMetadata()
                .getResourceVersion()).isEqualTo(serviceVersion);
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("retail-recs")
                .get().getMetadata().getResourceVersion()).isEqualTo(hpaVersion);
    }
}
