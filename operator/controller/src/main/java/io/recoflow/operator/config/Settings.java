package io.recoflow.operator.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Operator settings, from environment variables (the Deployment manifest sets them) or flags.
 *
 * @param maxRequeue upper bound on a timed re-check (pauses, deadlines); the Clock is checked again then
 * @param leaderElection run with a Lease so only one replica reconciles
 * @param leaseNamespace namespace of the Lease (null: the operator's own namespace, as the client sees it)
 * @param metricsPort port of /metrics and /healthz (0: pick a free one, -1: off)
 * @param prometheusUrl base URL of the Prometheus that canary analysis queries (null: analysis off)
 * @param perResourceMetrics also export reconcile metrics per resource (one timer per object: off by default,
 *     since 1,000 resources make tens of MB of /metrics)
 * @param metricsCleanupDelay how long the per-resource series of a deleted resource stay (events about it, such
 *     as its owned objects being garbage-collected, still arrive for a while)
 * @param retryInterval first wait before a failed reconcile is retried; it doubles up to 5 min, without a limit on
 *     attempts
 * @param namespace the operator's own namespace, the only one whose Secrets it reads (ClusterTarget kubeconfigs);
 *     null: the client's namespace (in a pod: the ServiceAccount's)
 * @param probeInterval how often each member cluster's API server is probed (ClusterTarget Reachable)
 * @param costPollCap upper bound on a CloudCostBudget's poll interval (null: its pollIntervalSeconds as given; the
 *     tests and the demo shorten it)
 */
public record Settings(Duration maxRequeue, boolean leaderElection, String leaseNamespace, int metricsPort,
        URI prometheusUrl, boolean perResourceMetrics, Duration metricsCleanupDelay, Duration retryInterval,
        String namespace, Duration probeInterval, Duration costPollCap) {
    static final Duration METRICS_CLEANUP_DELAY = Duration.ofSeconds(60);
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    /** The namespace of operator/deploy/operator.yaml; the tests run the operator as if it were there. */
    public static final String DEPLOY_NAMESPACE = "recoflow-system";

    public static final String LEASE = "recoflow-operator-lease";

    public static Settings fromEnv(Map<String, String> env) {
        return new Settings(
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("RECOFLOW_MAX_REQUEUE_SECONDS", "30"))),
                Boolean.parseBoolean(env.getOrDefault("RECOFLOW_LEADER_ELECTION", "false")),
                env.get("RECOFLOW_LEASE_NAMESPACE"),
                Integer.parseInt(env.getOrDefault("RECOFLOW_METRICS_PORT", "8080")),
                prometheus(env.get("RECOFLOW_PROMETHEUS_URL")),
                Boolean.parseBoolean(env.getOrDefault("RECOFLOW_METRICS_PER_RESOURCE", "false")),
                METRICS_CLEANUP_DELAY, RETRY_INTERVAL,
                blankToNull(env.get("RECOFLOW_NAMESPACE")),
                probeInterval(env.getOrDefault("RECOFLOW_CLUSTER_PROBE_SECONDS", "30")), null);
    }

    private static Duration probeInterval(String seconds) {
        long s = Long.parseLong(seconds.trim());
        if (s < 1) {
            throw new IllegalArgumentException("RECOFLOW_CLUSTER_PROBE_SECONDS must be >= 1, got: " + seconds);
        }
        return Duration.ofSeconds(s);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static URI prometheus(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri = URI.create(url.trim());
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("RECOFLOW_PROMETHEUS_URL must be an http(s) URL, got: " + url);
        }
        return uri;
    }

    public static Settings forTests() {
        return new Settings(Duration.ofMillis(200), false, null, -1, null, false, METRICS_CLEANUP_DELAY,
                RETRY_INTERVAL, DEPLOY_NAMESPACE, Duration.ofMillis(300), Duration.ofMillis(300));
    }

    public Settings withLeaderElection(boolean on) {
        return new Settings(maxRequeue, on, leaseNamespace, metricsPort, prometheusUrl, perResourceMetrics,
                metricsCleanupDelay, retryInterval, namespace, probeInterval, costPollCap);
    }

    public Settings withMetricsPort(int port) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, port, prometheusUrl, perResourceMetrics,
                metricsCleanupDelay, retryInterval, namespace, probeInterval, costPollCap);
    }

    public Settings withMaxRequeue(Duration d) {
        return new Settings(d, leaderElection, leaseNamespace, metricsPort, prometheusUrl, perResourceMetrics,
                metricsCleanupDelay, retryInterval, namespace, probeInterval, costPollCap);
    }

    public Settings withPrometheusUrl(URI url) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, metricsPort, url, perResourceMetrics,
                metricsCleanupDelay, retryInterval, namespace, probeInterval, costPollCap);
    }

    public Settings withPerResourceMetrics(boolean on) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, metricsPort, prometheusUrl, on,
                metricsCleanupDelay, retryInterval, namespace, probeInterval, costPollCap);
    }

    public Settings withMetricsCleanupDelay(Duration d) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, metricsPort, prometheusUrl,
                perResourceMetrics, d, retryInterval, namespace, probeInterval, costPollCap);
    }

    public Settings withRetryInterval(Duration d) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, metricsPort, prometheusUrl,
                perResourceMetrics, metricsCleanupDelay, d, namespace, probeInterval, costPollCap);
    }

    public Settings withNamespace(String ns) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, metricsPort, prometheusUrl,
                perResourceMetrics, metricsCleanupDelay, retryInterval, ns, probeInterval, costPollCap);
    }

    public Settings withProbeInterval(Duration d) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, metricsPort, prometheusUrl,
                perResourceMetrics, metricsCleanupDelay, retryInterval, namespace, d, costPollCap);
    }

    public Settings withCostPollCap(Duration d) {
        return new Settings(maxRequeue, leaderElection, leaseNamespace, metricsPort, prometheusUrl,
                perResourceMetrics, metricsCleanupDelay, retryInterval, namespace, probeInterval, d);
    }
}
