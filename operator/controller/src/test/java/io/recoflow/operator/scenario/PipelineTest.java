package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.recoflow.common.RedisKeys;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.pipeline.FeatureStore;
import io.recoflow.operator.pipeline.PipelineNames;
import io.recoflow.operator.pipeline.PipelineStatus;
import io.recoflow.operator.pipeline.ScalerRenderer;
import io.recoflow.operator.pipeline.StrimziRenderer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.Jedis;

/**
 * FeaturePipelines against a real single-broker KRaft Kafka (in the JVM) and a real redis-server: topics are read
 * back through the Admin API, lag comes from real committed offsets. The feature worker is played by a consumer in
 * the test under the worker's group id that applies each event the way the worker's script does for freshness
 * (moves {@code rf:meta:freshness lastEventAt} forward) and commits; stopping it is "pausing the worker".
 */
class PipelineTest extends OperatorHarness {
    static EmbeddedKafkaKraftBroker broker;
    static redis.embedded.RedisServer redis;
    static int redisPort;
    static Admin admin;
    Worker worker;

    @BeforeAll
    static void startBrokerAndRedis() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
        redisPort = freePort();
        redis = new redis.embedded.RedisServer(redisPort);
        redis.start();
    }

    @AfterAll
    static void stopBrokerAndRedis() throws IOException {
        admin.close(Duration.ofSeconds(2));
        broker.destroy();
        redis.stop();
    }

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
        try (Jedis j = new Jedis("127.0.0.1", redisPort)) {
            j.del(RedisKeys.FRESHNESS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A pipeline whose topics are named after it (the broker is shared by the tests of this class). */
    static FeaturePipeline pipeline(String name, String bootstrap, int redis) {
        FeaturePipeline fp = new FeaturePipeline();
        fp.setMetadata(new ObjectMetaBuilder().withName(name).build());
        FeaturePipelineSpec s = new FeaturePipelineSpec();
        s.kafka = new FeaturePipelineSpec.Kafka();
        s.kafka.bootstrapServers = bootstrap;
        s.kafka.topics = new FeaturePipelineSpec.Topics();
        s.kafka.topics.events = topic(name + ".events", 3);
        s.kafka.topics.impressions = topic(name + ".impressions", 2);
        s.kafka.topics.deadLetter = topic(name + ".events.DLT", 1);
        s.redis = new FeaturePipelineSpec.Redis();
        s.redis.host = "127.0.0.1";
        s.redis.port = redis;
        s.freshness = new FeaturePipelineSpec.Freshness();
        s.freshness.maxSeconds = 60;
        fp.setSpec(s);
        return fp;
    }

    static FeaturePipelineSpec.Topic topic(String name, int partitions) {
        FeaturePipelineSpec.Topic t = new FeaturePipelineSpec.Topic();
        t.name = name;
        t.partitions = partitions;
        t.replicationFactor = 1;
        return t;
    }

    FeaturePipeline fp(String name) {
        return client.resources(FeaturePipeline.class).inNamespace(NS).withName(name).get();
    }

    FeaturePipeline create(FeaturePipeline fp) {
        return client.resource(fp).inNamespace(NS).create();
    }

    FeaturePipeline edit(String name, java.util.function.Consumer<FeaturePipeline> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.resources(FeaturePipeline.class).inNamespace(NS).withName(name).edit(r -> {
                    change.accept(r);
                    return r;
                });
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    FeaturePipeline awaitCondition(String name, String type, String status, String reason) {
        return await(Duration.ofSeconds(30), () -> fp(name), p -> p != null && p.getStatus() != null
                && Conditions.get(p.getStatus().conditions, type)
                        .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason())).isPresent());
    }

    String autoscaler(String name) {
        FeaturePipeline p = fp(name);
        return p.getStatus() == null ? "" : String.valueOf(p.getStatus().autoscaler);
    }

    static String condition(FeaturePipeline p, String type) {
        return Conditions.get(p.getStatus().conditions, type).map(c -> c.getStatus() + " " + c.getReason() + ": "
                + c.getMessage()).orElse("none");
    }

    static int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    static String config(String topic, String key) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get().get(r).get(key).value();
    }

    @Test
    void topicsAreCreatedAsSpecifiedGrowPartitionsAndHaveTheirConfigDriftCorrected() throws Exception {
        FeaturePipeline fp = pipeline("shop", broker.getBrokersAsString(), redisPort);
        fp.getSpec().kafka.topics.events.retentionMs = 3_600_000L;
        fp.getSpec().kafka.topics.events.minInsyncReplicas = 1;
        fp.getSpec().kafka.topics.events.config = Map.of("compression.type", "lz4", "cleanup.policy", "delete");
        create(fp);

        FeaturePipeline p = awaitCondition("shop", PipelineStatus.TOPICS_READY, "True", "TopicsReady");
        assertThat(partitions("shop.events")).isEqualTo(3);
        assertThat(partitions("shop.impressions")).isEqualTo(2);
        assertThat(partitions("shop.events.DLT")).isEqualTo(1);
        assertThat(config("shop.events", "retention.ms")).isEqualTo("3600000");
        assertThat(config("shop.events", "min.insync.replicas")).isEqualTo("1");
        assertThat(config("shop.events", "compression.type")).isEqualTo("lz4");
        assertThat(p.getStatus().topics).extracting(t -> t.name + "=" + t.partitions + ":" + t.ready)
                .containsExactly("shop.events=3:true", "shop.impressions=2:true", "shop.events.DLT=1:true");
        awaitEvent("shop", "Normal", "TopicCreated");

        // more partitions: Kafka adds them
        edit("shop", f -> f.getSpec().kafka.topics.events.partitions = 5);
        await(Duration.ofSeconds(30), () -> partitions("shop.events"), n -> n == 5);
        await(Duration.ofSeconds(30), () -> fp("shop").getStatus().topics.get(0).partitions, n -> n == 5);
        awaitEvent("shop", "Normal", "PartitionsIncreased");

        // a config changed behind the operator's back is set back on its next look
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "shop.events");
        admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000"),
                AlterConfigOp.OpType.SET)))).all().get();
        awaitEvent("shop", "Normal", "TopicConfigCorrected");
        await(Duration.ofSeconds(30), () -> config("shop.events", "retention.ms"), v -> v.equals("3600000"));
        // a key the spec does not set is not the operator's business
        admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry("segment.ms", "7200000"),
                AlterConfigOp.OpType.SET)))).all().get();
        awaitCondition("shop", PipelineStatus.TOPICS_READY, "True", "TopicsReady");
        assertThat(config("shop.events", "segment.ms")).isEqualTo("7200000");
    }

    @Test
    void aReplicationFactorAboveTheBrokerCountIsReportedWithKafkasMessage() {
        FeaturePipeline fp = pipeline("wide", broker.getBrokersAsString(), redisPort);
        fp.getSpec().kafka.topics.events.replicationFactor = 3;
        create(fp);

        FeaturePipeline p = awaitCondition("wide", PipelineStatus.TOPICS_READY, "False", "TopicRefused");
        String m = Conditions.get(p.getStatus().conditions, PipelineStatus.TOPICS_READY).orElseThrow().getMessage();
        // Kafka's own words, not a paraphrase
        assertThat(m).startsWith("wide.events: ").contains("replication factor").contains("3")
                .contains("1 broker");
        assertThat(p.getStatus().topics.get(0).ready).isFalse();
        assertThat(p.getStatus().topics.get(0).message).isNotBlank();
        // the other two topics were created anyway
        assertThat(p.getStatus().topics.subList(1, 3)).allMatch(t -> t.ready);
        assertThat(Conditions.get(p.getStatus().conditions, Conditions.READY).orElseThrow().getStatus())
                .isEqualTo("False");
        assertThat(p.getStatus().phase).isEqualTo(PipelineStatus.PENDING);
        awaitEvent("wide", "Warning", "TopicRefused");
    }

    @Test
    void aPausedWorkerMakesLagGrowAndFeaturesStaleAndResumingRecovers() throws Exception {
        create(pipeline("live", broker.getBrokersAsString(), redisPort));
        awaitCondition("live", PipelineStatus.TOPICS_READY, "True", "TopicsReady");
        FeaturePipeline p = fp("live");
        String group = PipelineNames.workerGroup(p);
        worker = new Worker(group, List.of("live.events", "live.impressions"));
        produce("live.events", 5);
        await(Duration.ofSeconds(30), () -> fp("live"), f -> f.getStatus().lag != null && f.getStatus().lag.total == 0
                && f.getStatus().freshness != null && f.getStatus().freshness.newestEvent != null);
        awaitCondition("live", PipelineStatus.FRESH, "True", "CaughtUp");

        // the worker stops; events keep coming and wait; time passes beyond the SLO
        worker.close();
        produce("live.events", 7);
        await(Duration.ofSeconds(30), () -> fp("live"), f -> f.getStatus().lag.total == 7);
        FeaturePipeline waiting = fp("live");
        assertThat(waiting.getStatus().lag.maxPartition).isBetween(3L, 7L);
        // within the SLO while the newest applied event is young
        assertThat(condition(waiting, PipelineStatus.FRESH)).startsWith("True FeaturesFresh");
        clock.advance(Duration.ofSeconds(90));
        FeaturePipeline stale = awaitCondition("live", PipelineStatus.FRESH, "False", "FeaturesStale");
        assertThat(condition(stale, PipelineStatus.FRESH)).contains("7 events wait").contains("90s old");
        assertThat(stale.getStatus().freshness.ageSeconds).isGreaterThanOrEqualTo(90);
        assertThat(stale.getStatus().phase).isEqualTo(PipelineStatus.STALE);
        assertThat(condition(stale, Conditions.READY)).startsWith("False FeaturesStale");
        awaitEvent("live", "Warning", "FeaturesStale");

        // the worker is back: it applies the backlog and commits
        worker = new Worker(group, List.of("live.events", "live.impressions"));
        FeaturePipeline back = awaitCondition("live", PipelineStatus.FRESH, "True", "CaughtUp");
        assertThat(back.getStatus().lag.total).isZero();
        awaitCondition("live", Conditions.READY, "True", "AsExpected");
        awaitEvent("live", "Normal", "CaughtUp");
    }

    @Test
    void unreachableKafkaIsAConditionWithTheClientsErrorAndTheAppsAreStillDeployed() throws Exception {
        int closed = freePort();
        create(pipeline("offline", "127.0.0.1:" + closed, redisPort));

        FeaturePipeline p = awaitCondition("offline", PipelineStatus.TOPICS_READY, "False", "KafkaUnreachable");
        assertThat(condition(p, PipelineStatus.TOPICS_READY))
                .contains("Kafka 127.0.0.1:" + closed + ": listing topics");
        assertThat(p.getStatus().phase).isEqualTo(PipelineStatus.DEGRADED);
        awaitEvent("offline", "Warning", "KafkaUnreachable");
        // the workers are rendered (they retry on their own) and the operator keeps reconciling others
        await(Duration.ofSeconds(30), () -> deployment("offline-worker"), d -> d != null);
        create(pipeline("online", broker.getBrokersAsString(), redisPort));
        awaitCondition("online", PipelineStatus.TOPICS_READY, "True", "TopicsReady");
        FeaturePipeline still = fp("offline");
        assertThat(condition(still, PipelineStatus.TOPICS_READY)).startsWith("False KafkaUnreachable");
        assertThat(condition(still, PipelineStatus.FRESH)).startsWith("Unknown KafkaUnreachable");
    }

    @Test
    void unreachableRedisMakesFreshnessUnknownWithTheClientsError() throws Exception {
        int closed = freePort();
        create(pipeline("nostore", broker.getBrokersAsString(), closed));

        FeaturePipeline p = awaitCondition("nostore", PipelineStatus.FRESH, "Unknown", "RedisUnreachable");
        assertThat(condition(p, PipelineStatus.FRESH)).contains("Redis 127.0.0.1:" + closed);
        assertThat(condition(p, PipelineStatus.TOPICS_READY)).startsWith("True");
        // once the workers are up, Ready names what is left
        awaitCondition("nostore", Conditions.READY, "False", "RedisUnreachable");
        awaitEvent("nostore", "Warning", "RedisUnreachable");
    }

    @Test
    void theWorkerScalesOnLagWithKedaWhenItsCrdIsInstalled() throws Exception {
        CustomResourceDefinition keda = client.apiextensions().v1().customResourceDefinitions()
                .load(Files.newInputStream(REPO.resolve("../shared/crds/third-party/keda/keda.sh_scaledobjects.yaml")))
                .item();
        client.apiextensions().v1().customResourceDefinitions().resource(keda).create();
        FeaturePipeline fp = pipeline("scaled", broker.getBrokersAsString(), redisPort);
        fp.getSpec().kafka.topics.events.partitions = 4;
        fp.getSpec().worker = lagScaled(20);
        create(fp);

        GenericKubernetesResource so = await(Duration.ofSeconds(30), () -> client.genericKubernetesResources(
                ScalerRenderer.KEDA).inNamespace(NS).withName("scaled-worker").get(),
                r -> r != null);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) so.getAdditionalProperties().get("spec");
        // capped at the events topic's 4 partitions
        assertThat(spec.get("maxReplicaCount")).isEqualTo(4);
        assertThat(spec.get("minReplicaCount")).isEqualTo(1);
        assertThat(spec.toString()).contains("consumerGroup=" + PipelineNames.workerGroup(fp("scaled")))
                .contains("topic=scaled.events").contains("lagThreshold=100");
        assertThat(client.resources(HorizontalPodAutoscaler.class).inNamespace(NS).withName("scaled-worker").get())
                .isNull();
        await(Duration.ofSeconds(30), () -> autoscaler("scaled"), "ScaledObject"::equals);
        // the autoscaler owns the replicas: the operator does not set them back
        client.apps().deployments().inNamespace(NS).withName("scaled-worker").edit(d -> {
            d.getSpec().setReplicas(3);
            return d;
        });
        edit("scaled", f -> f.getSpec().features = new FeaturePipelineSpec.Features());
        edit("scaled", f -> f.getSpec().features.covisitCap = 300);
        await(Duration.ofSeconds(30), () -> configMap("scaled-features").getData().get("features.json"),
                j -> j.contains("\"covisitCap\" : 300"));
        assertThat(deployment("scaled-worker").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void withoutKedaTheWorkerGetsAnHpaOnItsLagMetric() {
        FeaturePipeline fp = pipeline("hpa", broker.getBrokersAsString(), redisPort);
        fp.getSpec().kafka.topics.events.partitions = 4;
        fp.getSpec().worker = lagScaled(50);
        create(fp);

        HorizontalPodAutoscaler hpa = await(Duration.ofSeconds(30), () -> client.resources(
                HorizontalPodAutoscaler.class).inNamespace(NS).withName("hpa-worker").get(), h -> h != null);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(4);
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo("Pods");
            assertThat(m.getPods().getMetric().getName()).isEqualTo("recoflow_worker_consumer_lag");
            assertThat(m.getPods().getTarget().getAverageValue().getAmount()).isEqualTo("100");
        });
        await(Duration.ofSeconds(30), () -> autoscaler("hpa"), "HorizontalPodAutoscaler"::equals);
        // the rest of the pipeline's objects
        assertThat(deployment("hpa-collector")).isNotNull();
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("hpa-worker").get())
                .isNotNull();
        assertThat(client.services().inNamespace(NS).withName("hpa-collector").get()).isNotNull();
        assertThat(deployment("hpa-worker").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .contains("RECOFLOW_WORKER_TOPICS=hpa.events,hpa.impressions",
                        "RECOFLOW_WORKER_REDISPORT=" + redisPort);
    }

    @Test
    void strimziModeRendersKafkaTopicsAndWaitsForTheTopicOperator() throws Exception {
        client.apiextensions().v1().customResourceDefinitions().load(Files.newInputStream(
                REPO.resolve("../shared/crds/third-party/strimzi/043-Crd-kafkatopic.yaml"))).create();
        FeaturePipeline fp = pipeline("strimzi", broker.getBrokersAsString(), redisPort);
        fp.getSpec().kafka.topicManagement = FeaturePipelineSpec.TopicManagement.STRIMZI;
        fp.getSpec().kafka.strimziCluster = "events";
        fp.getSpec().deletionPolicy = FeaturePipelineSpec.DeletionPolicy.DELETE;
        create(fp);

        var topics = client.genericKubernetesResources(StrimziRenderer.CONTEXT).inNamespace(NS);
        GenericKubernetesResource kt = await(Duration.ofSeconds(30), () -> topics.withName("strimzi-events").get(),
                r -> r != null);
        assertThat(kt.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events");
        assertThat(kt.getAdditionalProperties().get("spec").toString()).contains("topicName=strimzi.events")
                .contains("partitions=3");
        awaitCondition("strimzi", PipelineStatus.TOPICS_READY, "False", "WaitingForTopicOperator");
        // nothing was created in Kafka by the operator itself
        assertThat(admin.listTopics().names().get()).doesNotContain("strimzi.events");

        // the Topic Operator reports them ready
        for (String name : List.of("strimzi-events", "strimzi-impressions", "strimzi-deadletter")) {
            GenericKubernetesResource live = topics.withName(name).get();
            live.getAdditionalProperties().put("status", Map.of("conditions", List.of(Map.of("type", "Ready",
                    "status", "True"))));
            topics.resource(live).updateStatus();
        }
        awaitCondition("strimzi", PipelineStatus.TOPICS_READY, "True", "TopicsReady");

        // deletionPolicy delete: the KafkaTopics go with the pipeline
        client.resources(FeaturePipeline.class).inNamespace(NS).withName("strimzi").delete();
        await(Duration.ofSeconds(30), () -> topics.list().getItems().size(), n -> n == 0);
        awaitEvent("strimzi", "Normal", "TopicsDeleted");
    }

    @Test
    void deletingAPipelineKeepsItsTopicsUnlessTheDeletionPolicySaysDelete() throws Exception {
        create(pipeline("kept", broker.getBrokersAsString(), redisPort));
        FeaturePipeline gone = pipeline("gone", broker.getBrokersAsString(), redisPort);
        gone.getSpec().deletionPolicy = FeaturePipelineSpec.DeletionPolicy.DELETE;
        create(gone);
        awaitCondition("kept", PipelineStatus.TOPICS_READY, "True", "TopicsReady");
        awaitCondition("gone", PipelineStatus.TOPICS_READY, "True", "TopicsReady");

        client.resources(FeaturePipeline.class).inNamespace(NS).withName("kept").delete();
        client.resources(FeaturePipeline.class).inNamespace(NS).withName("gone").delete();
        await(Duration.ofSeconds(30), () -> admin.listTopics().names().get(),
                names -> names.stream().noneMatch(n -> n.startsWith("gone.")));
        assertThat(admin.listTopics().names().get()).contains("kept.events", "kept.impressions", "kept.events.DLT");
        await(Duration.ofSeconds(30), () -> fp("kept") == null && fp("gone") == null, ok -> ok);
        awaitEvent("kept", "Normal", "TopicsRetained");
    }

    @Test
    void aModelDoesNotStartARolloutWhileItsPipelineIsNotFresh() throws Exception {
        create(pipeline("feed", broker.getBrokersAsString(), redisPort));
        awaitCondition("feed", PipelineStatus.FRESH, "True", "CaughtUp");
        // events arrive and no worker applies them: stale once the SLO has passed
        produce("feed.events", 3);
        clock.advance(Duration.ofSeconds(90));
        awaitCondition("feed", PipelineStatus.FRESH, "False", "FeaturesStale");

        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.34);
        var model = Fixtures.model("retail-recs", io.recoflow.operator.api.spec.Strategy.CANARY, 300);
        model.getSpec().features = new io.recoflow.operator.api.spec.RecommendationModelSpec.Features();
        model.getSpec().features.pipelineRef = "feed";
        create(model);
        create(Fixtures.version("retail-recs", 1, base, io.recoflow.operator.api.spec.Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, io.recoflow.operator.api.spec.Stage.CANDIDATE));
        // the first version is not held: nothing serves yet, so nothing could keep serving
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == io.recoflow.operator.api.status.ModelPhase.Serving
                && r.getStatus().servingVersion == 1);

        promote("retail-recs-v2");
        awaitEvent("retail-recs", "Normal", "WaitingForFreshFeatures");
        var held = rm("retail-recs");
        assertThat(held.getStatus().phase).isEqualTo(io.recoflow.operator.api.status.ModelPhase.Serving);
        assertThat(held.getStatus().servingVersion).isEqualTo(1L);
        assertThat(held.getStatus().candidateVersion).isNull();
        assertThat(events("retail-recs")).filteredOn(e -> "WaitingForFreshFeatures".equals(e.getReason()))
                .singleElement().satisfies(e -> assertThat(e.getMessage()).isEqualTo("version 2 waits: "
                        + "FeaturePipeline feed is not Fresh (False FeaturesStale)"));
        assertThat(events("retail-recs")).noneMatch(e -> "RolloutStarted".equals(e.getReason()));

        // the worker catches up: the pipeline turns Fresh, which wakes the model, and the rollout starts
        worker = new Worker(PipelineNames.workerGroup(fp("feed")), List.of("feed.events", "feed.impressions"));
        awaitCondition("feed", PipelineStatus.FRESH, "True", "CaughtUp");
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> Long.valueOf(2).equals(
                r.getStatus().candidateVersion) || r.getStatus().servingVersion == 2);
        awaitEvent("retail-recs", "Normal", "RolloutStarted");
    }

    @Test
    void aBudgetsReplicaCapCapsTheWorkersAutoscaler() {
        // the budget's source answers nothing here, so its controller keeps the actions in effect as they are
        // (fail-safe): the capReplicas put into its status stands for a month past its 80 % threshold
        client.resource(BudgetTest.budget("monthly", "http://127.0.0.1:1", 500)).inNamespace(NS).create();
        var budgets = client.resources(io.recoflow.operator.api.budget.CloudCostBudget.class).inNamespace(NS);
        await(Duration.ofSeconds(30), () -> budgets.withName("monthly").get(), b -> b.getStatus() != null
                && b.getStatus().conditions != null && !b.getStatus().conditions.isEmpty());
        FeaturePipeline fp = pipeline("capped", broker.getBrokersAsString(), redisPort);
        fp.getSpec().kafka.topics.events.partitions = 6;
        fp.getSpec().worker = lagScaled(20);
        create(fp);
        await(Duration.ofSeconds(30), () -> client.resources(HorizontalPodAutoscaler.class).inNamespace(NS)
                .withName("capped-worker").get(), h -> h != null && h.getSpec().getMaxReplicas() == 6);

        var cap = new io.recoflow.operator.api.budget.CloudCostBudgetStatus.ActionStatus();
        cap.action = io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action.CAP_REPLICAS;
        cap.percent = 80;
        cap.value = 3;
        cap.since = clock.instant().toString();
        for (int attempt = 1; ; attempt++) {
            try {
                var b = budgets.withName("monthly").get();
                b.getStatus().actions = List.of(cap);
                budgets.resource(b).updateStatus();
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
        await(Duration.ofSeconds(30), () -> client.resources(HorizontalPodAutoscaler.class).inNamespace(NS)
                .withName("capped-worker").get(), h -> h.getSpec().getMaxReplicas() == 3);
        await(Duration.ofSeconds(30), () -> fp("capped").getStatus() == null ? "" : fp("capped").getStatus().budget,
                b -> ("capReplicas 3 (budget " + NS + "/monthly)").equals(b));
        awaitEvent("capped", "Warning", "BudgetActionApplied");
        // the spec is not touched
        assertThat(fp("capped").getSpec().worker.autoscaling.maxReplicas).isEqualTo(20);
    }

    static FeaturePipelineSpec.Component lagScaled(int max) {
        FeaturePipelineSpec.Component c = new FeaturePipelineSpec.Component();
        c.autoscaling = new FeaturePipelineSpec.Scaling();
        c.autoscaling.minReplicas = 1;
        c.autoscaling.maxReplicas = max;
        c.autoscaling.lag = new FeaturePipelineSpec.Lag();
        c.autoscaling.lag.threshold = 100L;
        return c;
    }

    /** Events whose value is their event time (epoch millis of the test clock), keyed to spread over partitions. */
    void produce(String topic, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "user-" + i,
                        Long.toString(clock.instant().toEpochMilli()))).get();
            }
        }
    }

    /** The feature worker's part that freshness and lag see: apply (move lastEventAt forward), then commit. */
    final class Worker implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Worker(String group, List<String> topics) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            thread = new Thread(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
                        Jedis redis = new Jedis("127.0.0.1", redisPort)) {
                    consumer.subscribe(topics);
                    while (running.get()) {
                        var records = consumer.poll(Duration.ofMillis(100));
                        for (var r : records) {
                            long ts = Long.parseLong(r.value());
                            String last = redis.hget(RedisKeys.FRESHNESS, FeatureStore.FIELD);
                            if (last == null || Long.parseLong(last) < ts) {
                                redis.hset(RedisKeys.FRESHNESS, FeatureStore.FIELD, Long.toString(ts));
                            }
                        }
                        if (!records.isEmpty()) {
                            consumer.commitSync();
                        }
                    }
                }
            }, "test-feature-worker");
            thread.start();
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
