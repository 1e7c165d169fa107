package io.recoflow.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.Autoscaling;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.operator.core.Dependent;
import io.recoflow.common.contract.ServingConfig;
import io.recoflow.operator.model.rollout.SlotPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderTest {
    static final SlotPlan STABLE = new SlotPlan("blue", "file:///models/recs", List.of(1L), 1, null, 0);
    static final SlotPlan CANARY = new SlotPlan("blue", "s3://m/recs", List.of(1L, 2L), 1, 2L, 10);

    static RecommendationModel rm() {
        RecommendationModel rm = new RecommendationModel();
        rm.setMetadata(new ObjectMetaBuilder().withName("retail-recs").withNamespace("recs").withUid("u-1").build());
        rm.setSpec(new RecommendationModelSpec());
        rm.getSpec().model = "retail-recs";
        return rm;
    }

    @Test
    void modelConfigSelectsVersionsByPathWithLabels() {
        assertThat(ModelConfig.text("retail-recs", CANARY)).isEqualTo("""
                model_config_list {
                  config {
                    name: "retail-recs"
                    base_path: "s3://m/recs"
                    model_platform: "tensorflow"
                    model_version_policy {
                      specific {
                        versions: 1
                        versions: 2
                      }
                    }
                    version_labels {
                      key: "stable"
                      value: 1
                    }
                    version_labels {
                      key: "canary"
                      value: 2
                    }
                  }
                }
                """);
        assertThat(ModelConfig.text("retail-recs", STABLE)).contains("base_path: \"/models/recs\"")
                .doesNotContain("canary");
        ServingConfig serving = ModelConfig.serving(rm(), CANARY);
        assertThat(serving).isEqualTo(new ServingConfig("retail-recs", "tensorflow-serving",
                "http://retail-recs.recs.svc:8501", 1, 2L, 10, List.of(1L, 2L)));
        assertThat(serving.validate()).isEmpty();
    }

    @Test
    void configChangeRollsThePodsButWeightChangeDoesNot() {
        String a = hashOf(DeploymentRenderer.render(rm(), CANARY));
        String b = hashOf(DeploymentRenderer.render(rm(), new SlotPlan("blue", "s3://m/recs", List.of(1L, 2L), 1, 2L,
                50)));
        String c = hashOf(DeploymentRenderer.render(rm(), new SlotPlan("blue", "s3://m/recs", List.of(2L), 2, null,
                0)));
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(Dependent.hash(DeploymentRenderer.render(rm(), CANARY)))
                .isEqualTo(Dependent.hash(DeploymentRenderer.render(rm(), CANARY)));
    }

    @Test
    void tfServingDeploymentIsRestrictedAndProbed() {
        RecommendationModel rm = rm();
        rm.getSpec().resources = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("2"))
                .addToLimits("memory", new Quantity("4Gi")).build();
        rm.getSpec().replicas = 3;
        Deployment d = DeploymentRenderer.render(rm, STABLE);
        assertThat(d.getMetadata().getName()).isEqualTo("retail-recs-blue");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getSelector().getMatchLabels())
                .containsOnlyKeys("app.kubernetes.io/instance", "recoflow.io/slot");
        var pod = d.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertThat(c.getArgs()).containsExactly("--port=8500", "--rest_api_port=8501", "--model_name=retail-recs",
                "--model_base_path=/models/recs", "--model_config_file=/etc/recoflow/models.config",
                "--allow_version_labels_for_unavailable_models=true");
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("2"));
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v1/models/retail-recs");
        assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly("/etc/recoflow", "/tmp");
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(d.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    }

    @Test
    void embeddedRuntimeRunsTheRecommendationServiceImage() {
        RecommendationModel rm = rm();
        rm.getSpec().runtime = Runtime.EMBEDDED;
        rm.getSpec().image = "ghcr.io/recoflow/recommendation-service:0.1.0";
        var c = DeploymentRenderer.render(rm, CANARY).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("ghcr.io/recoflow/recommendation-service:0.1.0");
        assertThat(c.getArgs()).isEmpty();
        assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).containsExactly(
                "RECOFLOW_RUNTIME=embedded", "RECOFLOW_MODEL_NAME=retail-recs", "RECOFLOW_MODEL_BASE_PATH=s3://m/recs",
                "RECOFLOW_SERVING_FILE=/etc/recoflow/serving.json",
                "RECOFLOW_EXPERIMENTS_FILE=/etc/recoflow/experiment/experiments.yaml", "RECOFLOW_HTTP_PORT=8080",
                "RECOFLOW_MANAGEMENT_PORT=8081");
        assertThat(c.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080, 8081);
        assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactly("/etc/recoflow", "/tmp", "/etc/recoflow/experiment");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8081);
        assertThat(ServiceRenderer.render(rm, "blue").getSpec().getPorts()).extracting(p -> p.getPort())
                .containsExactly(8080);
    }

    @Test
    void hpaRendersCpuAndRpsMetrics() {
        RecommendationModel rm = rm();
        rm.getSpec().autoscaling = new Autoscaling();
        rm.getSpec().autoscaling.minReplicas = 2;
        rm.getSpec().autoscaling.maxReplicas = 10;
        rm.getSpec().autoscaling.targetRPS = 150;
        var hpa = HpaRenderer.render(rm, "green");
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("retail-recs-green");
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo("Pods");
            assertThat(m.getPods().getMetric().getName()).isEqualTo("recoflow_requests_per_second");
            assertThat(m.getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("150"));
        });
        assertThat(DeploymentRenderer.replicas(rm.getSpec())).isEqualTo(2);
    }

    private static String hashOf(Deployment d) {
        return d.getSpec().getTemplate().getMetadata().getAnnotations().get(DeploymentRenderer.CONFIG_HASH);
    }
}
