package io.recoflow.operator.pipeline;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.recoflow.common.contract.FeatureSettings;
import io.recoflow.common.contract.Pipeline;
import io.recoflow.common.contract.Serving;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec.Component;
import io.recoflow.operator.core.Dependent;
import io.recoflow.operator.core.Owners;
import io.recoflow.operator.core.PodSecurity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The collector, worker and lake-sink Deployments (exactly the env and files of {@link Pipeline}, the contract the
 * apps read), their Services and PodDisruptionBudgets, and the feature settings ConfigMap. Pods meet the
 * restricted Pod Security Standard as the model servers do.
 */
public final class PipelineRenderer {
    public static final String COLLECTOR_IMAGE = "ghcr.io/recoflow/event-collector:0.1.0";
    public static final String WORKER_IMAGE = "ghcr.io/recoflow/feature-worker:0.1.0";
    public static final String SINK_IMAGE = "ghcr.io/recoflow/lake-sink:0.1.0";
    /** On the worker's pod template: a change of feature settings rolls the worker. */
    public static final String FEATURES_HASH = "recoflow.io/features-hash";
    /** On a Deployment whose replicas an autoscaler owns: an update keeps the live count. */
    public static final String SCALED = "recoflow.io/replicas-owned-by-autoscaler";

    private PipelineRenderer() {}

    public static FeatureSettings settings(FeaturePipeline fp) {
        FeaturePipelineSpec.Features f = fp.getSpec().features;
        return f == null ? FeatureSettings.DEFAULTS : new FeatureSettings(f.recentItemsCap, f.userTtlSeconds,
                f.popularityWindowsHours, f.covisitWindow, f.covisitCap);
    }

    public static ConfigMap features(FeaturePipeline fp) {
        return new ConfigMapBuilder()
                .withMetadata(Owners.meta(fp, PipelineNames.features(fp),
                        PipelineNames.labels(fp, PipelineNames.WORKER)))
                .withData(Map.of(Pipeline.FEATURES_KEY, settings(fp).toJson()))
                .build();
    }

    public static Deployment collector(FeaturePipeline fp) {
        FeaturePipelineSpec s = fp.getSpec();
        List<EnvVar> env = new ArrayList<>(List.of(
                env(Pipeline.COLLECTOR_BOOTSTRAP, s.kafka.bootstrapServers),
                env(Pipeline.COLLECTOR_TOPIC, DesiredTopic.events(fp).name())));
        if (s.kafka.clientSecret != null) {
            env.add(env(Pipeline.COLLECTOR_KAFKA_PROPERTIES, kafkaProperties()));
        }
        Container c = container(PipelineNames.COLLECTOR, image(s.collector, COLLECTOR_IMAGE),
                s.collector == null ? null : s.collector.resources, env, mounts(fp, false), true);
        return deployment(fp, PipelineNames.COLLECTOR, s.collector, c, volumes(fp, false), null);
    }

    public static Deployment worker(FeaturePipeline fp) {
        FeaturePipelineSpec s = fp.getSpec();
        List<DesiredTopic> topics = DesiredTopic.of(fp);
        List<EnvVar> env = new ArrayList<>(List.of(
                env(Pipeline.WORKER_BOOTSTRAP, s.kafka.bootstrapServers),
                env(Pipeline.WORKER_GROUP, PipelineNames.workerGroup(fp)),
                env(Pipeline.WORKER_TOPICS, String.join(",", DesiredTopic.consumed(fp))),
                env(Pipeline.WORKER_DEAD_LETTER_TOPIC, topics.get(2).name()),
                env(Pipeline.WORKER_REDIS_HOST, s.redis.host),
                env(Pipeline.WORKER_REDIS_PORT, String.valueOf(s.redis.port == null ? 6379 : s.redis.port)),
                env(Pipeline.WORKER_REDIS_TLS, String.valueOf(Boolean.TRUE.equals(s.redis.tls))),
                env(Pipeline.WORKER_FEATURES_FILE, Pipeline.FEATURES_FILE)));
        if (s.redis.passwordSecretRef != null) {
            env.add(secretEnv(Pipeline.WORKER_REDIS_PASSWORD, s.redis.passwordSecretRef));
        }
        if (s.kafka.clientSecret != null) {
            env.add(env(Pipeline.WORKER_KAFKA_PROPERTIES, kafkaProperties()));
        }
        Container c = container(PipelineNames.WORKER, image(s.worker, WORKER_IMAGE),
                s.worker == null ? null : s.worker.resources, env, mounts(fp, true), false);
        return deployment(fp, PipelineNames.WORKER, s.worker, c, volumes(fp, true),
                Dependent.sha256(settings(fp).toJson()));
    }

    /** Null when the pipeline has no sink. */
    public static Deployment sink(FeaturePipeline fp) {
        FeaturePipelineSpec s = fp.getSpec();
        FeaturePipelineSpec.Sink k = s.sink;
        if (k == null) {
            return null;
        }
        List<EnvVar> env = new ArrayList<>(List.of(
                env(Pipeline.SINK_BOOTSTRAP, s.kafka.bootstrapServers),
                env(Pipeline.SINK_GROUP, PipelineNames.sinkGroup(fp)),
                env(Pipeline.SINK_TOPICS, String.join(",", DesiredTopic.consumed(fp))),
                env(Pipeline.SINK_TARGETS, String.join(",", k.targets)),
                env(Pipeline.SINK_FLUSH_BYTES, String.valueOf(k.flushBytes == null ? 134217728L : k.flushBytes)),
                env(Pipeline.SINK_FLUSH_INTERVAL, (k.flushIntervalSeconds == null ? 300 : k.flushIntervalSeconds)
                        + "s")));
        if (k.s3Endpoint != null) {
            env.add(env(Pipeline.SINK_S3_ENDPOINT, k.s3Endpoint));
        }
        if (k.s3Region != null) {
            env.add(env(Pipeline.SINK_S3_REGION, k.s3Region));
        }
        if (k.azureEndpoint != null) {
            env.add(env(Pipeline.SINK_AZURE_ENDPOINT, k.azureEndpoint));
        }
        if (k.azureConnectionStringSecretRef != null) {
            env.add(secretEnv(Pipeline.SINK_AZURE_CONNECTION_STRING, k.azureConnectionStringSecretRef));
        }
        if (s.kafka.clientSecret != null) {
            env.add(env(Pipeline.SINK_KAFKA_PROPERTIES, kafkaProperties()));
        }
        Component sized = new Component();
        sized.replicas = k.replicas == null ? 1 : k.replicas;
        Container c = container(PipelineNames.SINK, k.image != null ? k.image : SINK_IMAGE, k.resources, env,
                mounts(fp, false), false);
        return deployment(fp, PipelineNames.SINK, sized, c, volumes(fp, false), null);
    }

    /** The collector's Service takes events (http) and is scraped (management); the others only the latter. */
    public static Service service(FeaturePipeline fp, String component) {
        var b = new ServiceBuilder()
                .withMetadata(Owners.meta(fp, PipelineNames.of(fp, component), PipelineNames.labels(fp, component)))
                .withNewSpec()
                    .withSelector(PipelineNames.selector(fp, component))
                .endSpec();
        if (PipelineNames.COLLECTOR.equals(component)) {
            b.editSpec().addToPorts(port("http", Pipeline.HTTP_PORT)).endSpec();
        }
        return b.editSpec().addToPorts(port("management", Pipeline.MANAGEMENT_PORT)).endSpec().build();
    }

    /** One pod of a component at a time may be evicted (a drain never takes the whole stage down at once). */
    public static PodDisruptionBudget pdb(FeaturePipeline fp, String component) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Owners.meta(fp, PipelineNames.of(fp, component), PipelineNames.labels(fp, component)))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector().withMatchLabels(PipelineNames.selector(fp, component)).endSelector()
                .endSpec()
                .build();
    }

    /** Replicas when no autoscaler owns them; with one, only the starting point. */
    public static int replicas(Component c) {
        if (c == null) {
            return 1;
        }
        if (c.autoscaling != null) {
            return Math.max(1, c.autoscaling.minReplicas);
        }
        return c.replicas == null ? 1 : c.replicas;
    }

    private static Deployment deployment(FeaturePipeline fp, String component, Component spec, Container c,
            List<Volume> volumes, String featuresHash) {
        var meta = Owners.meta(fp, PipelineNames.of(fp, component), PipelineNames.labels(fp, component));
        if (spec != null && spec.autoscaling != null) {
            meta.setAnnotations(new HashMap<>(Map.of(SCALED, "true")));
        }
        Map<String, String> podAnnotations = featuresHash == null ? Map.of() : Map.of(FEATURES_HASH, featuresHash);
        return new DeploymentBuilder()
                .withMetadata(meta)
                .withNewSpec()
                    .withReplicas(replicas(spec))
                    .withNewSelector().withMatchLabels(PipelineNames.selector(fp, component)).endSelector()
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(PipelineNames.labels(fp, component))
                            .withAnnotations(podAnnotations)
                        .endMetadata()
                        .withNewSpec()
                            .withAutomountServiceAccountToken(false)
                            .withSecurityContext(PodSecurity.pod())
                            .withContainers(c)
                            .withVolumes(volumes)
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(String name, String image, ResourceRequirements resources, List<EnvVar> env,
            List<VolumeMount> mounts, boolean http) {
        List<EnvVar> all = new ArrayList<>(env);
        all.add(env(Pipeline.ENV_MANAGEMENT_PORT, String.valueOf(Pipeline.MANAGEMENT_PORT)));
        if (http) {
            all.add(env(Pipeline.ENV_HTTP_PORT, String.valueOf(Pipeline.HTTP_PORT)));
        }
        var b = new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withEnv(all)
                .withResources(resources != null ? resources : new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("250m"))
                        .addToRequests("memory", new Quantity("512Mi"))
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build())
                .withVolumeMounts(mounts)
                .withSecurityContext(PodSecurity.container(true))
                .addToPorts(new ContainerPortBuilder().withName("management")
                        .withContainerPort(Pipeline.MANAGEMENT_PORT).withProtocol("TCP").build())
                .withReadinessProbe(probe(Serving.READINESS_PATH, 5, 3))
                .withLivenessProbe(probe(Serving.LIVENESS_PATH, 30, 6));
        if (http) {
            b.addToPorts(new ContainerPortBuilder().withName("http").withContainerPort(Pipeline.HTTP_PORT)
                    .withProtocol("TCP").build());
        }
        return b.build();
    }

    private static List<VolumeMount> mounts(FeaturePipeline fp, boolean features) {
        List<VolumeMount> m = new ArrayList<>(List.of(
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build()));
        if (fp.getSpec().kafka.clientSecret != null) {
            m.add(new VolumeMountBuilder().withName("kafka").withMountPath(Pipeline.KAFKA_MOUNT).withReadOnly(true)
                    .build());
        }
        if (features) {
            m.add(new VolumeMountBuilder().withName("features").withMountPath(Pipeline.FEATURES_MOUNT)
                    .withReadOnly(true).build());
        }
        return m;
    }

    private static List<Volume> volumes(FeaturePipeline fp, boolean features) {
        List<Volume> v = new ArrayList<>(List.of(
                new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build()));
        if (fp.getSpec().kafka.clientSecret != null) {
            v.add(new VolumeBuilder().withName("kafka").withNewSecret().withSecretName(fp.getSpec().kafka.clientSecret)
                    .endSecret().build());
        }
        if (features) {
            v.add(new VolumeBuilder().withName("features").withNewConfigMap().withName(PipelineNames.features(fp))
                    .endConfigMap().build());
        }
        return v;
    }

    private static String kafkaProperties() {
        return Pipeline.KAFKA_MOUNT + "/" + Pipeline.KAFKA_PROPERTIES_KEY;
    }

    private static String image(Component c, String fallback) {
        return c != null && c.image != null ? c.image : fallback;
    }

    private static EnvVar env(String name, String value) {
        return new EnvVar(name, value, null);
    }

    private static EnvVar secretEnv(String name, FeaturePipelineSpec.SecretKey ref) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                .withName(ref.name).withKey(ref.key).endSecretKeyRef().endValueFrom().build();
    }

    private static io.fabric8.kubernetes.api.model.ServicePort port(String name, int port) {
        return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(new IntOrString(name))
                .withProtocol("TCP").build();
    }

    private static Probe probe(String path, int initialDelay, int failures) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(Pipeline.MANAGEMENT_PORT)).endHttpGet()
                .withInitialDelaySeconds(initialDelay)
                .withPeriodSeconds(10)
                .withTimeoutSeconds(2)
                .withFailureThreshold(failures)
                .build();
    }
}
