package io.recoflow.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Clients;
import io.recoflow.operator.core.MetricsServer;
import io.recoflow.operator.version.registry.DefaultModelRegistry;
import io.recoflow.operator.version.registry.MlflowModelRegistry;
import io.recoflow.operator.version.registry.ModelRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Entry point.
 * <pre>
 *   run  [--leader-election] [--metrics-port N]   against the cluster of the kubeconfig / in-cluster config
 * </pre>
 * Settings also come from RECOFLOW_* environment variables (see {@link Settings#fromEnv}).
 */
public final class OperatorMain {
    private OperatorMain() {}

    public static void main(String[] args) throws Exception {
        // JDK 17's HttpClient hands each response to the common pool, which on <= 2 CPUs (a 500m pod sees 1)
        // starts a new thread per task: ~17,700 threads for ~17,600 requests at 1,000 models. A parallelism of 2
        // makes it a real pool (benchmarks/operator-scale: thread starts 4,603 -> 93 at 250 models).
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        }
        List<String> a = Arrays.asList(args);
        String command = a.isEmpty() ? "" : a.get(0);
        switch (command) {
            case "run" -> run(a);
            default -> {
                System.err.println("usage: recoflow-operator run [--leader-election] [--metrics-port N]");
                System.exit(2);
            }
        }
    }

    private static void run(List<String> a) throws Exception {
        Settings settings;
        try {
            settings = Settings.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            // a misconfigured Deployment: one clear line in the pod log, not a stack trace
            System.err.println("recoflow-operator: bad setting: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (a.contains("--leader-election")) {
            settings = settings.withLeaderElection(true);
        }
        settings = settings.withMetricsPort(Integer.parseInt(flag(a, "--metrics-port",
                String.valueOf(settings.metricsPort()))));
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        KubernetesClient client = client();
        ModelRegistry registry = new DefaultModelRegistry();
        String mlflow = System.getenv("RECOFLOW_MLFLOW_TRACKING_URI");
        if (mlflow != null && !mlflow.isBlank()) {
            registry = new MlflowModelRegistry(URI.create(mlflow), registry);
        }
        Operator operator = OperatorFactory.create(client, settings, Clock.systemUTC(), registry, meters);
        MetricsServer metrics = settings.metricsPort() < 0 ? null
                : new MetricsServer(settings.metricsPort(), meters, operator);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            OperatorFactory.stopping();
            operator.stop();
            if (metrics != null) {
                metrics.close();
            }
            client.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            operator.start();
        } catch (RuntimeException e) {
            // nothing reconciles now, but the metrics server's threads would keep the JVM (and /livez) up for ever:
            // end, so that the kubelet restarts the pod and the failure shows as a crash loop
            LoggerFactory.getLogger(OperatorMain.class).error("could not start the operator; exiting", e);
            System.exit(1);
        }
        stopped.await();
    }

    /** The hub's Kubernetes client (see {@link Clients#hub()}: bounded HTTP executor, one retry of a 5xx). */
    public static KubernetesClient client() {
        return Clients.hub();
    }

    private static String flag(List<String> a, String name, String fallback) {
        int i = a.indexOf(name);
        return i >= 0 && i + 1 < a.size() ? a.get(i + 1) : fallback;
    }

}
