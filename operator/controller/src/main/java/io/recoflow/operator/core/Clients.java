package io.recoflow.operator.core;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the operator builds its Kubernetes clients: the hub's and every member cluster's.
 *
 * <p>The JDK HttpClient runs every completion on a new thread unless given an executor (about 29,000 short-lived
 * threads in under 3 minutes at 1,000 resources on 2 CPUs), so each client gets a small fixed pool. fabric8 does
 * not shut down an executor it was handed when the client closes, so clients that are rebuilt (a member whose
 * kubeconfig changed) share one pool instead of each leaking its own.
 */
public final class Clients {
    private Clients() {}

    /** A small pool of daemon threads for HTTP completions, named {@code prefix-N}. */
    public static ExecutorService httpExecutor(String prefix) {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The hub's client, from the kubeconfig or the in-cluster config. fabric8 retries a 5xx up to 10 times (~19 s)
     * inside one call by default: a refused write would hold a reconciler thread that long; JOSDK's own retry with
     * backoff takes over after one more try.
     */
    public static KubernetesClient hub() {
        Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(1).build();
        return build(config, httpExecutor("k8s-http"));
    }

    /** A client for this config whose HTTP completions run on {@code executor} (not closed with the client). */
    public static KubernetesClient build(Config config, ExecutorService executor) {
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory() {
            @Override
            protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
                builder.executor(executor);
            }
        }).build();
    }
}
