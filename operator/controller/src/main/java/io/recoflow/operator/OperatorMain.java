package io.recoflow.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.demo.Demo;
import io.recoflow.operator.metrics.MetricsServer;
import io.recoflow.operator.registry.DefaultModelRegistry;
import io.recoflow.operator.registry.MlflowModelRegistry;
import io.recoflow.operator.registry.ModelRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point.
 * <pre>
 *   run  [--leader-election] [--metrics-port N]   against the cluster of the kubeconfig / in-cluster config
 *   demo [--root DIR] [--speed N]                 in-process mock API server, example CRs, promotion, rollback
 * </pre>
 * Settings also come from RECOFLOW_* environment variables (see {@link Settings#fromEnv}).
 */
public final class OperatorMain {
    private OperatorMain() {}

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        String command = a.isEmpty() ? "" : a.get(0);
        switch (command) {
            case "run" -> run(a);
            case "demo" -> {
                // the demo prints its own tables and the Events; operator logs would interleave with them
                quiet("io.recoflow", "io.fabric8", "io.javaoperatorsdk");
                new Demo(Path.of(flag(a, "--root", ".")), Integer.parseInt(flag(a, "--speed", "60")), System.out)
                        .run();
                System.exit(0);
            }
            default -> {
                System.err.println("usage: recoflow-operator run [--leader-election] [--metrics-port N]\n"
                        + "       recoflow-operator demo [--root DIR] [--speed N]");
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
        KubernetesClient client = new KubernetesClientBuilder().build();
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
            operator.stop();
            if (metrics != null) {
                metrics.close();
            }
            client.close();
            stopped.countDown();
        }, "shutdown"));
        operator.start();
        stopped.await();
    }

    private static void quiet(String... loggers) {
        for (String name : loggers) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
                    .setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    private static String flag(List<String> a, String name, String fallback) {
        int i = a.indexOf(name);
        return i >= 0 && i + 1 < a.size() ? a.get(i + 1) : fallback;
    }

}
