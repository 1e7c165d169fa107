package io.recoflow.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.recoflow.common.contract.FeatureSettings;
import io.recoflow.common.contract.Pipeline;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the apps read (workloads/common contract.Pipeline) is what the operator renders. */
class PipelineRenderTest {
    static FeaturePipeline pipeline() {
        FeaturePipeline fp = new FeaturePipeline();
        fp.setMetadata(new ObjectMetaBuilder().withName("retail").withNamespace("recs").withUid("u-1").build());
        FeaturePipelineSpec s = new FeaturePipelineSpec();
        s.kafka = new FeaturePipelineSpec.Kafka();
        s.kafka.bootstrapServers = "kafka:9092";
        s.kafka.clientSecret = "kafka-client";
        s.redis = new FeaturePipelineSpec.Redis();
        s.redis.host = "redis.recs.svc";
        s.redis.tls = true;
        s.redis.passwordSecretRef = new FeaturePipelineSpec.SecretKey();
        s.redis.passwordSecretRef.name = "redis";
        s.redis.passwordSecretRef.key = "password";
        s.features = new FeaturePipelineSpec.Features();
        s.features.recentItemsCap = 80;
        s.features.popularityWindowsHours = List.of(1, 24);
        s.sink = new FeaturePipelineSpec.Sink();
        s.sink.targets = List.of("s3://lake/events", "abfss://lake@acct.dfs.core.windows.net/events");
        s.sink.flushIntervalSeconds = 60;
        fp.setSpec(s);
        return fp;
    }

    static Map<String, EnvVar> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    @Test
    void theWorkerGetsTheContractsEnvFilesAndASecretPassword() throws Exception {
        FeaturePipeline fp = pipeline();
        Deployment w = PipelineRenderer.worker(fp);
        Map<String, EnvVar> env = env(w);
        assertThat(env.get(Pipeline.WORKER_BOOTSTRAP).getValue()).isEqualTo("kafka:9092");
        assertThat(env.get(Pipeline.WORKER_GROUP).getValue()).isEqualTo("recs.retail-worker");
        assertThat(env.get(Pipeline.WORKER_TOPICS).getValue()).isEqualTo("recoflow.events,recoflow.impressions");
        assertThat(env.get(Pipeline.WORKER_DEAD_LETTER_TOPIC).getValue()).isEqualTo("recoflow.events.DLT");
        assertThat(env.get(Pipeline.WORKER_REDIS_TLS).getValue()).isEqualTo("true");
        assertThat(env.get(Pipeline.WORKER_REDIS_PORT).getValue()).isEqualTo("6379");
        assertThat(env.get(Pipeline.WORKER_REDIS_PASSWORD).getValue()).isNull();
        assertThat(env.get(Pipeline.WORKER_REDIS_PASSWORD).getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("redis");
        assertThat(env.get(Pipeline.WORKER_FEATURES_FILE).getValue()).isEqualTo(Pipeline.FEATURES_FILE);
        assertThat(env.get(Pipeline.WORKER_KAFKA_PROPERTIES).getValue())
                .isEqualTo(Pipeline.KAFKA_MOUNT + "/" + Pipeline.KAFKA_PROPERTIES_KEY);
        var pod = w.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
                .contains(Pipeline.FEATURES_MOUNT, Pipeline.KAFKA_MOUNT);
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret() == null ? null
                : v.getSecret().getSecretName()).isEqualTo("kafka-client"));
        // restricted pod security, as the model servers
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        // the features file parses back into the worker's settings
        String json = PipelineRenderer.features(fp).getData().get(Pipeline.FEATURES_KEY);
        FeatureSettings f = FeatureSettings.parse(json);
        assertThat(f.recentItems()).isEqualTo(80);
        assertThat(f.popularityWindowsHours()).containsExactly(1, 24);
        assertThat(f.covisitNeighbours()).isEqualTo(200);
        // a change of settings rolls the worker
        String hash = w.getSpec().getTemplate().getMetadata().getAnnotations().get(PipelineRenderer.FEATURES_HASH);
        fp.getSpec().features.covisitCap = 300;
        assertThat(PipelineRenderer.worker(fp).getSpec().getTemplate().getMetadata().getAnnotations()
                .get(PipelineRenderer.FEATURES_HASH)).isNotEqualTo(hash);
    }

    @Test
    void theCollectorAndTheSinkGetTheirs() {
        FeaturePipeline fp = pipeline();
        Map<String, EnvVar> c = env(PipelineRenderer.collector(fp));
        assertThat(c.get(Pipeline.COLLECTOR_TOPIC).getValue()).isEqualTo("recoflow.events");
        assertThat(c.get(Pipeline.ENV_HTTP_PORT).getValue()).isEqualTo(String.valueOf(Pipeline.HTTP_PORT));
        Map<String, EnvVar> s = env(PipelineRenderer.sink(fp));
        assertThat(s.get(Pipeline.SINK_TARGETS).getValue())
                .isEqualTo("s3://lake/events,abfss://lake@acct.dfs.core.windows.net/events");
        assertThat(s.get(Pipeline.SINK_FLUSH_INTERVAL).getValue()).isEqualTo("60s");
        assertThat(s.get(Pipeline.SINK_FLUSH_BYTES).getValue()).isEqualTo("134217728");
        assertThat(s.get(Pipeline.SINK_GROUP).getValue()).isEqualTo("recs.retail-sink");
        fp.getSpec().sink = null;
        assertThat(PipelineRenderer.sink(fp)).isNull();
    }

    @Test
    void aLagScaledMaximumIsCappedAtThePartitions() {
        FeaturePipelineSpec.Scaling a = new FeaturePipelineSpec.Scaling();
        a.minReplicas = 0;
        a.maxReplicas = 20;
        a.lag = new FeaturePipelineSpec.Lag();
        a.lag.threshold = 10L;
        assertThat(ScalerRenderer.maxReplicas(a, 6)).isEqualTo(6);
        assertThat(ScalerRenderer.maxReplicas(a, 50)).isEqualTo(20);
        FeaturePipeline fp = pipeline();
        // an HPA cannot go to zero
        assertThat(ScalerRenderer.hpa(fp, PipelineNames.WORKER, a, 6).getSpec().getMinReplicas()).isEqualTo(1);
        a.lag = null;
        a.targetCPUUtilization = 70;
        assertThat(ScalerRenderer.maxReplicas(a, 6)).as("CPU only: partitions do not bound it").isEqualTo(20);
    }

    @Test
    void aBudgetsReplicaCapLowersTheAutoscalersMaximumNeverBelowItsMinimum() {
        FeaturePipeline fp = pipeline();
        var b = new io.recoflow.operator.api.budget.CloudCostBudget();
        b.setMetadata(new ObjectMetaBuilder().withName("monthly").withNamespace("recs").build());
        b.setSpec(new io.recoflow.operator.api.budget.CloudCostBudgetSpec());
        b.setStatus(new io.recoflow.operator.api.budget.CloudCostBudgetStatus());
        var cap = new io.recoflow.operator.api.budget.CloudCostBudgetStatus.ActionStatus();
        cap.action = io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action.CAP_REPLICAS;
        cap.value = 3;
        b.getStatus().actions = List.of(cap);
        // the budget covers its own namespace: the pipeline's, in the hub ("local")
        var effects = io.recoflow.operator.budget.Enforcement.of(fp, List.of("local"), List.of(b));
        assertThat(effects.maxReplicas()).isEqualTo(3);

        FeaturePipelineSpec.Scaling a = new FeaturePipelineSpec.Scaling();
        a.minReplicas = 2;
        a.maxReplicas = 20;
        a.lag = new FeaturePipelineSpec.Lag();
        a.lag.threshold = 10L;
        FeaturePipelineSpec.Scaling capped = ScalerRenderer.capped(a, effects.maxReplicas());
        assertThat(capped.maxReplicas).isEqualTo(3);
        assertThat(a.maxReplicas).as("the spec is not touched").isEqualTo(20);
        assertThat(ScalerRenderer.hpa(fp, PipelineNames.WORKER, capped, 12).getSpec().getMaxReplicas()).isEqualTo(3);
        assertThat(ScalerRenderer.scaledObject(fp, capped, 12).getAdditionalProperties().get("spec").toString())
                .contains("maxReplicaCount=3");
        assertThat(ScalerRenderer.capped(a, 1).maxReplicas).as("never below minReplicas").isEqualTo(2);
        assertThat(ScalerRenderer.capped(a, null)).isSameAs(a);

        b.getMetadata().setNamespace("other");
        assertThat(io.recoflow.operator.budget.Enforcement.of(fp, List.of("local"), List.of(b)).maxReplicas())
                .as("a budget of another namespace").isNull();
    }

    @Test
    void topicDefaultsAndTheKeysDriftIsCorrectedOn() {
        FeaturePipeline fp = pipeline();
        List<DesiredTopic> ts = DesiredTopic.of(fp);
        assertThat(ts).extracting(DesiredTopic::name).containsExactly(Pipeline.EVENTS_TOPIC,
                Pipeline.IMPRESSIONS_TOPIC, Pipeline.DEAD_LETTER_TOPIC);
        assertThat(ts.get(0).partitions()).isEqualTo(DesiredTopic.PARTITIONS);
        assertThat(ts.get(0).config()).isEmpty();
        fp.getSpec().kafka.topics = new FeaturePipelineSpec.Topics();
        fp.getSpec().kafka.topics.events = new FeaturePipelineSpec.Topic();
        fp.getSpec().kafka.topics.events.retentionMs = 1000L;
        fp.getSpec().kafka.topics.events.config = Map.of("cleanup.policy", "compact");
        assertThat(DesiredTopic.events(fp).config()).containsOnly(Map.entry("retention.ms", "1000"),
                Map.entry("cleanup.policy", "compact"));
    }
}
