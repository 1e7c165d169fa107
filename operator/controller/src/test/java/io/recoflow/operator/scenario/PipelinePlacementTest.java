package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineStatus;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.pipeline.PipelineNames;
import io.recoflow.operator.pipeline.PipelineStatus;
import io.recoflow.operator.placement.Placed;
import io.recoflow.operator.testing.Rbac;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A FeaturePipeline placed on the two members eks-prod and aks-prod: its apps in both (not in the hub), its
 * topics once in the one Kafka (real KRaft broker, real redis-server), weight 0 removes a member's apps, and a
 * member going away makes WorkersReady False naming it while the other keeps running.
 */
class PipelinePlacementTest extends TwoMemberHarness {
    static EmbeddedKafkaKraftBroker broker;
    static redis.embedded.RedisServer redis;
    static int redisPort;

    @BeforeAll
    static void startBrokerAndRedis() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        redisPort = PipelineTest.freePort();
        redis = new redis.embedded.RedisServer(redisPort);
        redis.start();
    }

    @AfterAll
    static void stopBrokerAndRedis() throws IOException {
        broker.destroy();
        redis.stop();
    }

    FeaturePipeline placedPipeline(int eksWeight, int aksWeight) {
        FeaturePipeline fp = PipelineTest.pipeline("shop", broker.getBrokersAsString(), redisPort);
        fp.getSpec().placement = new Placement();
        fp.getSpec().placement.clusters = List.of(cluster("eks-prod", eksWeight), cluster("aks-prod", aksWeight));
        return fp;
    }

    FeaturePipeline create(FeaturePipeline fp) {
        return client.resource(fp).inNamespace(NS).create();
    }

    FeaturePipeline fp() {
        return client.resources(FeaturePipeline.class).inNamespace(NS).withName("shop").get();
    }

    void edit(java.util.function.Consumer<FeaturePipeline> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(FeaturePipeline.class).inNamespace(NS).withName("shop").edit(r -> {
                    change.accept(r);
                    return r;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    static FeaturePipelineStatus.ClusterStatus entry(FeaturePipeline fp, String cluster) {
        return fp.getStatus().clusters.stream().filter(c -> c.name.equals(cluster)).findFirst().orElseThrow();
    }

    /** The pipeline's objects in {@code c}: the three Deployments, their Services and PDBs, the features ConfigMap. */
    static List<HasMetadata> apps(KubernetesClient c) {
        List<HasMetadata> out = new java.util.ArrayList<>();
        for (String comp : List.of(PipelineNames.COLLECTOR, PipelineNames.WORKER)) {
            String name = "shop-" + comp;
            add(out, c.apps().deployments().inNamespace(NS).withName(name).get());
            add(out, c.services().inNamespace(NS).withName(name).get());
            add(out, c.resources(PodDisruptionBudget.class).inNamespace(NS).withName(name).get());
        }
        add(out, c.configMaps().inNamespace(NS).withName("shop-features").get());
        return out;
    }

    private static void add(List<HasMetadata> out, HasMetadata o) {
        if (o != null) {
            out.add(o);
        }
    }

    boolean workersReady(FeaturePipeline p) {
        return p != null && p.getStatus() != null && Conditions.isTrue(p.getStatus().conditions,
                PipelineStatus.WORKERS_READY);
    }

    @Test
    void appsRunInEveryPlacedClusterWeightZeroRemovesThemAndALostMemberIsNamed() throws Exception {
        create(placedPipeline(50, 50));
        FeaturePipeline p = await(Duration.ofSeconds(30), this::fp, this::workersReady);
        assertThat(Conditions.get(p.getStatus().conditions, PipelineStatus.WORKERS_READY).orElseThrow()
                .getMessage()).contains("eks-prod", "aks-prod");
        assertThat(p.getStatus().clusters).extracting(c -> c.name + "=" + c.workersReady)
                .containsExactly("eks-prod=true", "aks-prod=true");
        assertThat(Conditions.isTrue(p.getStatus().conditions, PipelineStatus.TOPICS_READY)).isTrue();
        for (KubernetesClient member : List.of(eks.client(), aks.client())) {
            List<HasMetadata> apps = apps(member);
            assertThat(apps).hasSize(7).allSatisfy(o -> {
                // owner references do not cross clusters: the pipeline is named in annotations
                assertThat(o.getMetadata().getOwnerReferences()).isNullOrEmpty();
                assertThat(Placed.primary(o, "FeaturePipeline")).hasValueSatisfying(id -> assertThat(id.getName())
                        .isEqualTo("shop"));
            });
        }
        assertThat(apps(client)).as("the hub is not in the placement").isEmpty();

        // weight 0: aks-prod's apps are removed, eks-prod's stay
        edit(f -> f.getSpec().placement.clusters = List.of(cluster("eks-prod", 100), cluster("aks-prod", 0)));
        await(Duration.ofSeconds(30), () -> apps(aks.client()), List::isEmpty);
        p = await(Duration.ofSeconds(30), this::fp, f -> workersReady(f) && entry(f, "aks-prod").weight == 0
                && entry(f, "aks-prod").message == null);
        assertThat(entry(p, "aks-prod").workersReady).isNull();
        assertThat(apps(eks.client())).hasSize(7);

        // back on both; then aks-prod goes away: WorkersReady False naming it, eks-prod keeps running
        edit(f -> f.getSpec().placement.clusters = List.of(cluster("eks-prod", 50), cluster("aks-prod", 50)));
        await(Duration.ofSeconds(30), () -> apps(aks.client()).size(), n -> n == 7);
        await(Duration.ofSeconds(30), this::fp, f -> workersReady(f) && Boolean.TRUE.equals(entry(f, "aks-prod")
                .workersReady));
        aks.stop();
        p = await(Duration.ofSeconds(30), this::fp, f -> f.getStatus() != null && Conditions.get(
                f.getStatus().conditions, PipelineStatus.WORKERS_READY).filter(c -> "False".equals(c.getStatus())
                        && c.getMessage().contains("aks-prod")).isPresent());
        assertThat(Conditions.get(p.getStatus().conditions, PipelineStatus.WORKERS_READY).orElseThrow()
                .getMessage()).doesNotContain("eks-prod");
        assertThat(entry(p, "aks-prod").workersReady).isFalse();
        assertThat(entry(p, "aks-prod").message).isNotBlank();
        assertThat(entry(p, "eks-prod").workersReady).isTrue();
        assertThat(apps(eks.client())).hasSize(7);

        // what the hub sent the members is what operator/deploy/member-rbac.yaml grants it there
        Rbac rbac = Rbac.load(client, REPO.resolve("operator/deploy/member-rbac.yaml"));
        assertThat(rbac.denied(eks.requests())).isEmpty();
        assertThat(rbac.denied(aks.requests())).isEmpty();
    }

    @Test
    void movingThePipelineIntoMembersRemovesItsHubAppsAndDeletingItRemovesTheMembersApps() throws Exception {
        create(PipelineTest.pipeline("shop", broker.getBrokersAsString(), redisPort));
        FeaturePipeline p = await(Duration.ofSeconds(30), this::fp, this::workersReady);
        assertThat(p.getStatus().clusters).as("no placement: the hub only").isNull();
        assertThat(apps(client)).hasSize(7);

        edit(f -> {
            f.getSpec().placement = new Placement();
            f.getSpec().placement.clusters = List.of(cluster("eks-prod", 70), cluster("aks-prod", 30));
        });
        // the hub's Services stay, selecting nothing (the operator never deletes a Service in the hub)
        await(Duration.ofSeconds(30), () -> apps(client), l -> l.stream().allMatch(o -> o.getKind().equals("Service")));
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
        await(Duration.ofSeconds(30), () -> apps(eks.client()).size() + apps(aks.client()).size(), n -> n == 14);
        await(Duration.ofSeconds(30), this::fp, f -> workersReady(f) && f.getStatus().clusters != null);

        client.resources(FeaturePipeline.class).inNamespace(NS).withName("shop").delete();
        await(Duration.ofSeconds(30), () -> apps(eks.client()).isEmpty() && apps(aks.client()).isEmpty()
                && fp() == null, gone -> gone);
    }
}
