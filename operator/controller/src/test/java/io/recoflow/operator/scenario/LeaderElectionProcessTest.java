package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.testing.ApiRequest;
import io.recoflow.operator.testing.MockCluster;
import io.recoflow.operator.testing.Rbac;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped entry point ({@code OperatorMain run --leader-election}) in its own JVM, configured as in a pod
 * (a kubeconfig, RECOFLOW_* variables), against the mock API server. It must keep renewing the Lease (fabric8
 * renews with PATCH: a Role without it made the leader stop leading and exit ~12 s after start) and end promptly
 * on SIGTERM (JOSDK's System.exit on stop-leading, run inside the shutdown hook, used to block forever).
 */
class LeaderElectionProcessTest {
    static final String LEASE_NS = "recoflow-system";
    /** JOSDK's default lease duration: a leader that could not renew would have lost the lease by then. */
    static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    static final Path MANIFEST = OperatorHarness.REPO.resolve("operator/deploy/operator.yaml");

    @TempDir
    Path dir;

    @Test
    void leaderKeepsRenewingItsLeaseWithinItsRoleAndStopsPromptlyOnSigterm() throws Exception {
        Path log = Path.of("target", "leader-election-process.log");
        Files.createDirectories(log.getParent());
        try (MockCluster cluster = new MockCluster()) {
            cluster.applyCrds(OperatorHarness.REPO.resolve("crds"));
            cluster.namespace(LEASE_NS);
            cluster.namespace(OperatorHarness.NS);
            Rbac rbac = Rbac.load(cluster.client(), MANIFEST);
            cluster.authorize(rbac);

            Process process = start(cluster, log);
            try {
                var leases = cluster.client().resources(Lease.class).inNamespace(LEASE_NS).withName(Settings.LEASE);
                Lease acquired = awaitLease(process, log, () -> leases.get(), l -> l != null && l.getSpec() != null
                        && l.getSpec().getRenewTime() != null, Duration.ofSeconds(90));
                ZonedDateTime acquiredAt = acquired.getSpec().getAcquireTime() != null
                        ? acquired.getSpec().getAcquireTime() : acquired.getSpec().getRenewTime();
                assertThat(acquired.getSpec().getHolderIdentity()).isNotBlank();

                // renewed (renewTime moves) for longer than a lease lasts, by the same holder
                Lease renewed = awaitLease(process, log, () -> leases.get(), l -> !Duration.between(acquiredAt,
                        l.getSpec().getRenewTime()).minus(LEASE_DURATION).isNegative(), Duration.ofSeconds(60));
                assertThat(renewed.getSpec().getHolderIdentity()).isEqualTo(acquired.getSpec().getHolderIdentity());
                assertThat(process.isAlive()).as("operator still running after renewing; log:%n%s", tail(log))
                        .isTrue();

                process.destroy(); // SIGTERM, as the kubelet does
                assertThat(process.waitFor(20, TimeUnit.SECONDS))
                        .as("operator did not exit within 20 s of SIGTERM; log:%n%s", tail(log)).isTrue();
                assertThat(process.exitValue()).as("exit code; log:%n%s", tail(log)).isIn(0, 143);
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }

            List<ApiRequest> calls = cluster.requests();
            assertThat(calls).as("the child's requests carry the operator's user agent").isNotEmpty();
            assertThat(rbac.denied(calls)).as("requests operator/deploy/operator.yaml does not allow").isEmpty();
            Set<String> leaseCalls = calls.stream().filter(r -> r.resource().equals("leases"))
                    .map(ApiRequest::rule).collect(Collectors.toCollection(TreeSet::new));
            assertThat(leaseCalls).contains("coordination.k8s.io/leases:get", "coordination.k8s.io/leases:create")
                    .containsAnyOf("coordination.k8s.io/leases:patch", "coordination.k8s.io/leases:update");
            assertThat(calls).filteredOn(r -> r.resource().equals("leases"))
                    .allSatisfy(r -> assertThat(r.namespace()).isEqualTo(LEASE_NS));
        }
    }

    /**
     * JOSDK checks with a SelfSubjectRulesReview that it may get, create and update the Lease before it elects, and
     * refuses to start otherwise (although fabric8 renews with PATCH). Such an operator must end, not linger with
     * its metrics server answering /livez while nothing reconciles.
     */
    @Test
    void operatorThatCannotStartExitsNonZeroInsteadOfLingering() throws Exception {
        Path log = Path.of("target", "leader-election-refused.log");
        Files.createDirectories(log.getParent());
        String manifest = Files.readString(MANIFEST);
        String full = "verbs: [\"get\", \"create\", \"update\", \"patch\"]";
        assertThat(manifest).contains(full);
        Path withoutUpdate = dir.resolve("operator-without-lease-update.yaml");
        Files.writeString(withoutUpdate, manifest.replace(full, "verbs: [\"get\", \"create\", \"patch\"]"));
        try (MockCluster cluster = new MockCluster()) {
            cluster.applyCrds(OperatorHarness.REPO.resolve("crds"));
            cluster.namespace(LEASE_NS);
            cluster.authorize(Rbac.load(cluster.client(), withoutUpdate));
            Process process = start(cluster, log);
            try {
                assertThat(process.waitFor(90, TimeUnit.SECONDS))
                        .as("operator that failed to start is still running; log:%n%s", tail(log)).isTrue();
                assertThat(process.exitValue()).as("exit code; log:%n%s", tail(log)).isEqualTo(1);
                assertThat(Files.readString(log)).contains("could not start the operator",
                        "missing required verbs: [update]");
                assertThat(cluster.client().resources(Lease.class).inNamespace(LEASE_NS).withName(Settings.LEASE)
                        .get()).isNull();
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private Process start(MockCluster cluster, Path log) throws IOException {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, cluster.kubeconfig(LEASE_NS));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        // fabric8 takes the user agent from this property; the mock records requests that carry ours
        cmd.add("-Dkubernetes.user.agent=" + MockCluster.OPERATOR_AGENT);
        cmd.add("-Dkubernetes.auth.tryServiceAccount=false");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.recoflow.operator.OperatorMain");
        cmd.addAll(List.of("run", "--leader-election", "--metrics-port", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("RECOFLOW_") || k.startsWith("KUBERNETES_"));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("RECOFLOW_LEASE_NAMESPACE", LEASE_NS);
        return pb.start();
    }

    /** Waits for the Lease, failing at once (with the child's log) if the operator process ends. */
    private static Lease awaitLease(Process process, Path log, java.util.concurrent.Callable<Lease> get,
            java.util.function.Predicate<Lease> ok, Duration limit) {
        return Awaitility.await().atMost(limit).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("operator exited with " + process.exitValue() + "; log:\n" + tail(log));
            }
            return get.call();
        }, l -> l != null && ok.test(l));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
