package io.recoflow.benchmarks.operatorscale;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.recoflow.operator.testing.FakeKubelet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake kubelet of operator/testing made event-driven: {@link FakeKubelet} lists every managed Deployment on
 * each tick, which at 1,000+ Deployments is a multi-megabyte LIST every period against the mock (its cost is
 * measured in the latency probe). This one watches the same Deployments and marks each one available once per
 * change, with {@link FakeKubelet#markAvailable} (same status as the tests get). Pods are "ready" at once: the
 * benchmark measures the operator, not pod start-up.
 */
final class InformerKubelet implements AutoCloseable {
    private final KubernetesClient client;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private SharedIndexInformer<Deployment> informer;
    private volatile boolean running = true;

    InformerKubelet(KubernetesClient client, int threads) {
        this.client = client;
        AtomicLong n = new AtomicLong();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kubelet-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < threads; i++) {
            workers.submit(this::work);
        }
    }

    InformerKubelet start() {
        informer = client.apps().deployments().inAnyNamespace()
                .withLabel("app.kubernetes.io/managed-by", "recoflow-operator")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Deployment d) {
                        offer(d);
                    }

                    @Override
                    public void onUpdate(Deployment before, Deployment d) {
                        offer(d);
                    }

                    @Override
                    public void onDelete(Deployment d, boolean unknown) {
                    }
                }, 0);
        return this;
    }

    long writes() {
        return writes.get();
    }

    long conflicts() {
        return conflicts.get();
    }

    private void offer(Deployment d) {
        if (!available(d)) {
            String key = Cache.metaNamespaceKeyFunc(d);
            if (queued.add(key)) {
                queue.add(key);
            }
        }
    }

    private void work() {
        while (running) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            queued.remove(key);
            Deployment cached = informer.getStore().getByKey(key);
            if (cached == null || available(cached)) {
                continue;
            }
            try {
                FakeKubelet.markAvailable(client, new DeploymentBuilder(cached).build());
                writes.incrementAndGet();
            } catch (KubernetesClientException e) {
                // 409: the operator wrote the Deployment in between; its event brings the newer one back here
                conflicts.incrementAndGet();
            }
        }
    }

    static boolean available(Deployment d) {
        var s = d.getStatus();
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return s != null && Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration())
                && Objects.equals(s.getAvailableReplicas(), want);
    }

    @Override
    public void close() {
        running = false;
        if (informer != null) {
            informer.close();
        }
        workers.shutdownNow();
    }
}
