package io.recoflow.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Stands in for the Job controller and kubelet of a real cluster for the operator's Jobs: each attempt is a pod
 * (labelled like the Job's template, named {@code <job>-<n>}) whose container terminates with the exit code and
 * termination message that {@code run} decides; a non-zero exit is retried until the Job's backoffLimit, then the
 * Job gets Failed=True (reason BackoffLimitExceeded), a zero exit Complete=True. {@code run} returning null keeps
 * the attempt running.
 */
public final class FakeJobRunner implements AutoCloseable {
    /** How one attempt ends. */
    public record Exit(int code, String message) {}

    private final KubernetesClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-job-runner");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private volatile Function<Job, Exit> run = j -> new Exit(0, "");

    public FakeJobRunner(KubernetesClient client) {
        this.client = client;
    }

    public FakeJobRunner runs(Function<Job, Exit> run) {
        this.run = run;
        return this;
    }

    public FakeJobRunner start(long periodMillis) {
        timer.scheduleWithFixedDelay(this::tick, 0, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Attempts made for a Job so far. */
    public int attempts(String job) {
        return attempts.getOrDefault(job, 0);
    }

    void tick() {
        try {
            for (Job j : client.batch().v1().jobs().inAnyNamespace()
                    .withLabel("app.kubernetes.io/managed-by", "recoflow-operator").list().getItems()) {
                String key = j.getMetadata().getNamespace() + "/" + j.getMetadata().getName();
                if (done.contains(key)) {
                    continue;
                }
                Exit exit = run.apply(j);
                if (exit == null) {
                    continue;
                }
                int n = attempts.merge(j.getMetadata().getName(), 1, Integer::sum);
                pod(j, n, exit);
                int limit = j.getSpec().getBackoffLimit() == null ? 6 : j.getSpec().getBackoffLimit();
                if (exit.code() == 0) {
                    finish(j, "Complete", null, n - 1);
                    done.add(key);
                } else if (n > limit) {
                    finish(j, "Failed", "BackoffLimitExceeded", n);
                    done.add(key);
                }
            }
        } catch (KubernetesClientException e) {
            // the mock server is going away
        } catch (RuntimeException e) {
            // a run function that throws is a test bug; keep the runner alive for the assertions to say so
            e.printStackTrace();
        }
    }

    private void pod(Job j, int attempt, Exit exit) {
        String now = Instant.now().toString();
        Pod p = new PodBuilder()
                .withNewMetadata()
                    .withName(j.getMetadata().getName() + "-" + attempt)
                    .withNamespace(j.getMetadata().getNamespace())
                    .withLabels(j.getSpec().getTemplate().getMetadata().getLabels())
                    .addToLabels("job-name", j.getMetadata().getName())
                .endMetadata()
                .withSpec(j.getSpec().getTemplate().getSpec())
                .withNewStatus()
                    .withPhase(exit.code() == 0 ? "Succeeded" : "Failed")
                    .withContainerStatuses(new ContainerStatusBuilder()
                            .withName(j.getSpec().getTemplate().getSpec().getContainers().get(0).getName())
                            .withNewState().withNewTerminated().withExitCode(exit.code())
                                .withMessage(exit.message()).withFinishedAt(now)
                                .withReason(exit.code() == 0 ? "Completed" : "Error").endTerminated().endState()
                            .build())
                .endStatus()
                .build();
        client.resource(p).create();
    }

    private void finish(Job j, String type, String reason, int failed) {
        Job live = client.batch().v1().jobs().inNamespace(j.getMetadata().getNamespace())
                .withName(j.getMetadata().getName()).get();
        if (live == null) {
            return;
        }
        live.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                .withFailed(failed)
                .withSucceeded("Complete".equals(type) ? 1 : 0)
                .withConditions(new JobConditionBuilder().withType(type).withStatus("True")
                        .withReason(reason).withMessage(reason == null ? null
                                : "Job has reached the specified backoff limit").build())
                .build());
        client.resource(live).updateStatus();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
