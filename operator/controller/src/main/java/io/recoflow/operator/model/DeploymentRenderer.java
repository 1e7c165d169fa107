package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.api.spec.RecommendationModelSpec;
import io.recoflow.operator.api.spec.Rollout;
import io.recoflow.operator.api.spec.Runtime;
import io.recoflow.common.contract.Serving;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.core.Owners;
import io.recoflow.operator.core.PodSecurity;
import io.recoflow.operator.model.rollout.SlotPlan;
import java.util.List;
import java.util.Map;

/**
 * The model server Deployment of one slot. The pod template carries a hash of the model config, so a change of
 * served versions rolls the pods and a version that fails to load keeps the Deployment unavailable (which is
 * what the rollout deadline watches).
 */
public final class DeploymentRenderer {
    public static final String TFS_IMAGE = "tensorflow/serving:2.18.0";
    public static final String CONFIG_HASH = "recoflow.io/config-hash";
    /** On a Deployment whose replicas the HPA owns: an update keeps the live count instead of the rendered one. */
    public static final String HPA_OWNED = "recoflow.io/replicas-owned-by-hpa";

    private DeploymentRenderer() {}

    public static Deployment render(RecommendationModel rm, SlotPlan plan) {
        RecommendationModelSpec spec = rm.getSpec();
        String config = ModelConfig.text(spec.model, plan);
        Container container = spec.runtime == Runtime.EMBEDDED ? embedded(spec, plan) : tfServing(spec, plan);
        var meta = Owners.meta(rm, Names.deployment(rm, plan.slot()), ModelLabels.of(rm, plan.slot()));
        if (spec.autoscaling != null) {
            meta.setAnnotations(new java.util.HashMap<>(Map.of(HPA_OWNED, "true")));
        }
        return new DeploymentBuilder()
                .withMetadata(meta)
                .withNewSpec()
                    .withReplicas(replicas(spec))
                    // Kubernetes marks a pod-template change that does not finish in time (a bad image) as
                    // ProgressDeadlineExceeded; the operator reports it (PodUpdate.STALLED)
                    .withProgressDeadlineSeconds(progressDeadlineSeconds(spec))
                    .withNewSelector().withMatchLabels(ModelLabels.selector(rm, plan.slot())).endSelector()
                    .withNewStrategy()
                        .withType("RollingUpdate")
                        .withNewRollingUpdate()
                            .withMaxSurge(new IntOrString("25%"))
                            .withMaxUnavailable(new IntOrString(0))
                        .endRollingUpdate()
                    .endStrategy()
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(ModelLabels.of(rm, plan.slot()))
                            .withAnnotations(Map.of(CONFIG_HASH, Dependent.sha256(config)))
                        .endMetadata()
                        .withNewSpec()
                            .withAutomountServiceAccountToken(false)
                            .withSecurityContext(PodSecurity.pod())
                            .withContainers(container)
                            .withVolumes(volumes(rm, plan))
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** Replicas when the HPA does not own them; with autoscaling this is only the starting point. */
    public static int replicas(RecommendationModelSpec spec) {
        if (spec.autoscaling != null && spec.autoscaling.minReplicas != null) {
            return spec.autoscaling.minReplicas;
        }
        return spec.replicas == null ? 1 : spec.replicas;
    }

    static int progressDeadlineSeconds(RecommendationModelSpec spec) {
        return spec.rollout == null || spec.rollout.progressDeadlineSeconds == null
                ? Rollout.DEFAULT_DEADLINE_SECONDS : spec.rollout.progressDeadlineSeconds;
    }

    public static String image(RecommendationModelSpec spec) {
        return spec.image != null ? spec.image : TFS_IMAGE;
    }

    private static Container tfServing(RecommendationModelSpec spec, SlotPlan plan) {
        String health = "/v1/models/" + spec.model;
        return base(spec)
                .withArgs(
                        "--port=" + Ports.TFS_GRPC,
                        "--rest_api_port=" + Ports.TFS_REST,
                        // ignored by TF-Serving when --model_config_file is set; kept so `ps` names the model
                        "--model_name=" + spec.model,
                        "--model_base_path=" + ModelConfig.basePath(plan.uri()),
                        "--model_config_file=" + Serving.MOUNT + "/" + Serving.TFS_CONFIG_KEY,
                        "--allow_version_labels_for_unavailable_models=true")
                .withPorts(port("grpc", Ports.TFS_GRPC), port("http", Ports.TFS_REST))
                .withReadinessProbe(probe(health, Ports.TFS_REST, 5, 3))
                .withLivenessProbe(probe(health, Ports.TFS_REST, 30, 6))
                .build();
    }

    /** The recommendation service scoring in-process: exactly the env and files of the contract it reads. */
    private static Container embedded(RecommendationModelSpec spec, SlotPlan plan) {
        return base(spec)
                .withEnv(
                        new EnvVar(Serving.ENV_RUNTIME, Serving.RUNTIME_EMBEDDED, null),
                        new EnvVar(Serving.ENV_MODEL_NAME, spec.model, null),
                        new EnvVar(Serving.ENV_MODEL_BASE_PATH, ModelConfig.basePath(plan.uri()), null),
                        new EnvVar(Serving.ENV_SERVING_FILE, Serving.MOUNT + "/" + Serving.SERVING_KEY, null),
                        new EnvVar(Serving.ENV_EXPERIMENTS_FILE, Serving.EXPERIMENTS_FILE, null),
                        new EnvVar(Serving.ENV_HTTP_PORT, String.valueOf(Ports.EMBEDDED_HTTP), null),
                        new EnvVar(Serving.ENV_MANAGEMENT_PORT, String.valueOf(Ports.EMBEDDED_MANAGEMENT), null))
                // the service routes A/B variants by this file (TF Serving itself has no use for it)
                .addToVolumeMounts(new VolumeMountBuilder().withName("experiment")
                        .withMountPath(Serving.EXPERIMENTS_MOUNT).withReadOnly(true).build())
                .withPorts(port("http", Ports.EMBEDDED_HTTP), port("management", Ports.EMBEDDED_MANAGEMENT))
                .withReadinessProbe(probe(Serving.READINESS_PATH, Ports.EMBEDDED_MANAGEMENT, 5, 3))
                .withLivenessProbe(probe(Serving.LIVENESS_PATH, Ports.EMBEDDED_MANAGEMENT, 30, 6))
                .build();
    }

    private static ContainerBuilder base(RecommendationModelSpec spec) {
        return new ContainerBuilder()
                .withName("server")
                .withImage(image(spec))
                .withResources(resources(spec.resources))
                .withVolumeMounts(
                        new VolumeMountBuilder().withName("config").withMountPath(Serving.MOUNT).withReadOnly(true).build(),
                        new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
                .withSecurityContext(PodSecurity.container(true));
    }

    private static ResourceRequirements resources(ResourceRequirements r) {
        if (r != null) {
            return r;
        }
        return new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("500m"))
                .addToRequests("memory", new Quantity("1Gi"))
                .addToLimits("memory", new Quantity("2Gi"))
                .build();
    }

    private static List<Volume> volumes(RecommendationModel rm, SlotPlan plan) {
        List<Volume> v = new java.util.ArrayList<>(List.of(
                new VolumeBuilder().withName("config")
                        .withNewConfigMap().withName(Names.configMap(rm, plan.slot())).endConfigMap().build(),
                new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build()));
        if (rm.getSpec().runtime == Runtime.EMBEDDED) {
            // optional: a pod may start before the operator wrote the file; absent means no experiment
            v.add(new VolumeBuilder().withName("experiment")
                    .withNewConfigMap().withName(Names.experiment(rm)).withOptional(true).endConfigMap().build());
        }
        return v;
    }

    private static ContainerPort port(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
    }

    private static Probe probe(String path, int port, int initialDelay, int failures) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(port)).endHttpGet()
                .withInitialDelaySeconds(initialDelay)
                .withPeriodSeconds(10)
                .withTimeoutSeconds(2)
                .withFailureThreshold(failures)
                .build();
    }
}
