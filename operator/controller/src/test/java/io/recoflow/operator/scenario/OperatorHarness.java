package io.recoflow.operator.scenario;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recoflow.operator.testing.MutableClock;
import io.recoflow.operator.OperatorFactory;
import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.placement.MemberClients;
import io.recoflow.operator.testing.FakeKubelet;
import io.recoflow.operator.testing.ApiRequest;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.testing.Rbac;
import io.recoflow.operator.version.registry.DefaultModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A CRUD mock API server with the CRDs from crds/, the operator on a test clock, and a fake kubelet. */
abstract class OperatorHarness {
    static final String NS = "recs";
    static final Path REPO = Path.of(System.getProperty("recoflow.repo.root", "../.."));

    @TempDir
    Path models;

    MockCluster cluster;
    KubernetesClient client;
    MutableClock clock;
    Operator operator;
    /** The operator's member clients (closed when it stops). */
    MemberClients members;
    FakeKubelet kubelet;
    volatile Predicate<Deployment> healthy = d -> true;
    Rbac rbac;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = new MockCluster();
        client = cluster.client();
        cluster.applyCrds(REPO.resolve("crds"));
        cluster.namespace(NS);
        clock = new MutableClock(Instant.parse("2026-11-25T07:00:00Z"));
        rbac = Rbac.load(client, REPO.resolve("operator/deploy/operator.yaml"));
        members = new MemberClients(cluster.operatorClient());
        operator = OperatorFactory.create(cluster.operatorClient(), settings(), clock, registry(),
                meters(), null, members);
        operator.start();
        kubelet = new FakeKubelet(client).healthyWhen(d -> healthy.test(d)).start(100);
    }

    /** Override to run with other settings (e.g. a Prometheus for canary analysis). */
    Settings settings() {
        return Settings.forTests();
    }

    /** Override to resolve artifacts elsewhere (e.g. an MLflow stub). */
    io.recoflow.operator.version.registry.ModelRegistry registry() {
        return new DefaultModelRegistry();
    }

    /** Override to collect operator metrics. */
    io.micrometer.core.instrument.MeterRegistry meters() {
        return null;
    }

    @AfterEach
    void stopCluster() {
        kubelet.close();
        operator.stop();
        List<ApiRequest> calls = cluster.requests();
        cluster.close();
        // every call the operator made in this scenario must be one its deployed Role allows
        org.assertj.core.api.Assertions.assertThat(rbac.denied(calls))
                .as("requests operator/deploy/operator.yaml does not allow").isEmpty();
    }

    RecommendationModel create(RecommendationModel rm) {
        return client.resource(rm).inNamespace(NS).create();
    }

    ModelVersion create(ModelVersion mv) {
        return client.resource(mv).inNamespace(NS).create();
    }

    RecommendationModel rm(String name) {
        return client.resources(RecommendationModel.class).inNamespace(NS).withName(name).get();
    }

    ModelVersion mv(String name) {
        return client.resources(ModelVersion.class).inNamespace(NS).withName(name).get();
    }

    Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    ConfigMap configMap(String name) {
        return client.configMaps().inNamespace(NS).withName(name).get();
    }

    List<Event> events(String involvedName) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> involvedName.equals(e.getInvolvedObject().getName())).toList();
    }

    boolean hasEvent(String involvedName, String type, String reason) {
        return events(involvedName).stream().anyMatch(e -> type.equals(e.getType()) && reason.equals(e.getReason()));
    }

    /**
     * Waits for an event: the reconciler writes status before events (so a failed status write never announces
     * twice), so a test that saw the status must still wait for the event.
     */
    void awaitEvent(String involvedName, String type, String reason) {
        await(Duration.ofSeconds(10), () -> hasEvent(involvedName, type, reason), ok -> ok);
    }

    /** Moves the clock in small ticks so each pause or deadline is seen by a reconcile. */
    void advanceUntil(Duration step, Duration max, java.util.function.BooleanSupplier done) {
        Instant end = clock.instant().plus(max);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (done.getAsBoolean()) {
                return true;
            }
            if (clock.instant().isBefore(end)) {
                clock.advance(step);
            }
            return false;
        });
    }

    /** Sets stage production, as an ML engineer would: again on a conflict with the operator's status write. */
    void promote(String mvName) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(ModelVersion.class).inNamespace(NS).withName(mvName).edit(mv -> {
                    mv.getSpec().stage = io.recoflow.operator.api.spec.Stage.PRODUCTION;
                    return mv;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /**
     * Edits the RecommendationModel's spec as a user (or Argo CD) would: again on a conflict, since the operator
     * writes its status meanwhile (kubectl edit would ask the user to retry).
     */
    RecommendationModel editModel(String name, java.util.function.Consumer<RecommendationModel> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.resources(RecommendationModel.class).inNamespace(NS).withName(name).edit(r -> {
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

    /**
     * Reconciles run so far by a controller (JOSDK's reconcile timer counts failed ones too); needs
     * {@link #meters()}.
     */
    static long reconciles(io.micrometer.core.instrument.MeterRegistry meters, String controller) {
        var timer = meters.find("operator.sdk.controllers.execution.reconcile").tag("controller", controller).timer();
        return timer == null ? 0 : timer.count();
    }

    /**
     * Changes an annotation of an owned Deployment (nothing the operator renders): its informer wakes the owner
     * for a reconcile that has nothing to do.
     */
    void touchDeployment(String name) {
        client.apps().deployments().inNamespace(NS).withName(name).edit(d -> {
            d.getMetadata().getAnnotations().put("test.recoflow.io/touched", String.valueOf(System.nanoTime()));
            return d;
        });
    }

    /** Waits at least 30 s whatever the caller says: build machines are shared and a loaded one is slow. */
    static <T> T await(Duration d, java.util.concurrent.Callable<T> get, Predicate<T> ok) {
        Duration limit = d.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : d;
        return org.awaitility.Awaitility.await().atMost(limit).pollInterval(Duration.ofMillis(100))
                .until(get, ok::test);
    }
}
