package io.recoflow.operator.placement;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.operator.api.placement.ClusterTarget;
import io.recoflow.operator.core.Clients;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Members} kept by the ClusterTarget controller: one fabric8 client per ClusterTarget, built from the
 * kubeconfig in its Secret, rebuilt only when that content changes, closed when the ClusterTarget or its Secret
 * goes away. {@code local} is the hub's own client.
 *
 * <p>A member must never hold up the operator for long: its client connects within {@link #CONNECT_TIMEOUT},
 * gives up on a request after {@link #REQUEST_TIMEOUT} and does not retry inside a call (JOSDK's retry and the
 * probe interval do the retrying), so a dead member costs a reconciler thread at most a few seconds. All member
 * clients share one small HTTP executor (see {@link Clients}).
 *
 * <p>A kubeconfig is refused unless everything is inline: exec plugins, auth providers and file paths would make
 * the operator run a command or read a file of its own pod (its ServiceAccount token, say) on the word of whoever
 * can write a Secret in its namespace.
 *
 * <p>Thread-safe: the ClusterTarget controller writes (one reconcile per cluster at a time), any controller reads.
 */
public final class MemberClients implements Members, AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Sent to members, so their audit logs name the operator. */
    public static final String USER_AGENT = "recoflow-operator";
    private static final Logger LOG = LoggerFactory.getLogger(MemberClients.class);

    /** What is known about one member; replaced as a whole. */
    private record Member(String hash, KubernetesClient client, String server, boolean reachable, String problem,
            String endpoint, String version) {
        Member with(boolean reachable, String problem, String version) {
            return new Member(hash, client, server, reachable, problem, endpoint, version);
        }
    }

    /** The answer of one probe of a member's /version: its gitVersion, or why it failed (and whether it answered but refused the credentials: 401, 403). */
    public record Probe(String version, String error, boolean credentialsRejected) {
        public boolean ok() {
            return error == null;
        }
    }

    /** A kubeconfig the operator cannot use, with the reason in words. */
    public static final class InvalidKubeconfig extends Exception {
        public InvalidKubeconfig(String message) {
            super(message);
        }
    }

    private final KubernetesClient hub;
    private final ExecutorService http = Clients.httpExecutor("member-http");
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public MemberClients(KubernetesClient hub) {
        this.hub = hub;
    }

    // --- Members: what every kind that places objects in members reads

    @Override
    public Optional<KubernetesClient> client(String cluster) {
        if (ClusterTarget.LOCAL.equals(cluster)) {
            return Optional.of(hub);
        }
        Member m = members.get(cluster);
        return m == null ? Optional.empty() : Optional.ofNullable(m.client());
    }

    @Override
    public boolean reachable(String cluster) {
        if (ClusterTarget.LOCAL.equals(cluster)) {
            return true;
        }
        Member m = members.get(cluster);
        return m != null && m.reachable();
    }

    @Override
    public String problem(String cluster) {
        if (ClusterTarget.LOCAL.equals(cluster)) {
            return null;
        }
        Member m = members.get(cluster);
        if (m == null) {
            return "no ClusterTarget named " + cluster;
        }
        if (m.problem() != null) {
            return m.problem();
        }
        return m.reachable() ? null : "cluster " + cluster + " has not been probed yet";
    }

    @Override
    public String endpoint(String cluster) {
        Member m = ClusterTarget.LOCAL.equals(cluster) ? null : members.get(cluster);
        return m == null ? null : m.endpoint();
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** The clusters with a ClusterTarget (not {@code local}). */
    public Set<String> clusters() {
        return Set.copyOf(members.keySet());
    }

    // --- the ClusterTarget controller's side

    /**
     * Uses this kubeconfig for the cluster. A client is built only when the content differs from the one in use;
     * the old client is closed then.
     *
     * @throws InvalidKubeconfig when it is not a kubeconfig the operator can use; the cluster then has no client
     */
    public void connect(String cluster, String kubeconfig, String endpoint) throws InvalidKubeconfig {
        String hash = sha256(kubeconfig);
        Member old = members.get(cluster);
        if (old != null && old.client() != null && hash.equals(old.hash())) {
            if (!Objects.equals(old.endpoint(), endpoint)) {
                members.put(cluster, new Member(hash, old.client(), old.server(), old.reachable(), old.problem(),
                        endpoint, old.version()));
                changed(cluster);
            }
            return;
        }
        Config config;
        try {
            config = config(kubeconfig);
        } catch (InvalidKubeconfig e) {
            unusable(cluster, e.getMessage(), endpoint);
            throw e;
        }
        KubernetesClient client = Clients.build(config, http);
        // not reachable until probed: a new kubeconfig may point somewhere else
        members.put(cluster, new Member(hash, client, config.getMasterUrl(), false, null, endpoint, null));
        close(old);
        LOG.info("cluster {}: client for {} {}", cluster, config.getMasterUrl(),
                old == null || old.client() == null ? "built" : "rebuilt");
        changed(cluster);
    }

    /** The cluster cannot be used (Secret missing, kubeconfig invalid): closes its client, keeps the reason. */
    public void unusable(String cluster, String problem, String endpoint) {
        Member old = members.put(cluster, new Member(null, null, null, false, problem, endpoint, null));
        close(old);
        if (old == null || old.client() != null || old.reachable() || !Objects.equals(old.endpoint(), endpoint)) {
            changed(cluster);
        }
    }

    /**
     * Asks the member's API server for its version (GET /version, readable by any client through the built-in
     * system:public-info-viewer role) and records whether it answered. Blocks for at most about
     * {@link #CONNECT_TIMEOUT} + {@link #REQUEST_TIMEOUT}.
     */
    public Probe probe(String cluster) {
        Member m = members.get(cluster);
        if (m == null || m.client() == null) {
            return new Probe(null, m == null ? "no ClusterTarget named " + cluster : m.problem(), false);
        }
        Probe p;
        try {
            VersionInfo v = m.client().getKubernetesVersion();
            String version = v.getGitVersion() != null && !v.getGitVersion().isBlank() ? v.getGitVersion()
                    : "v" + v.getMajor() + "." + v.getMinor();
            p = new Probe(version, null, false);
        } catch (KubernetesClientException e) {
            boolean rejected = e.getCode() == 401 || e.getCode() == 403;
            p = new Probe(null, "GET " + m.server() + "version: " + describe(e), rejected);
        } catch (RuntimeException e) {
            p = new Probe(null, "GET " + m.server() + "version: " + describe(e), false);
        }
        Probe result = p;
        Member[] before = new Member[1];
        members.computeIfPresent(cluster, (k, now) -> {
            if (now.client() != m.client()) {
                return now; // rebuilt meanwhile: this probe says nothing about the new client
            }
            before[0] = now;
            return now.with(result.ok(), result.ok() ? null : result.error(), result.version());
        });
        if (before[0] != null && before[0].reachable() != result.ok()) {
            changed(cluster);
        }
        return result;
    }

    /** The ClusterTarget is gone: its client is closed and the cluster forgotten. */
    public void remove(String cluster) {
        Member old = members.remove(cluster);
        if (old != null) {
            close(old);
            LOG.info("cluster {}: ClusterTarget gone, client closed", cluster);
            changed(cluster);
        }
    }

    /** Closes every member's client (not the hub's, which its owner closes). */
    @Override
    public void close() {
        for (String cluster : List.copyOf(members.keySet())) {
            close(members.remove(cluster));
        }
        http.shutdownNow();
    }

    /**
     * The fabric8 config of a kubeconfig held in a Secret, with the member timeouts.
     *
     * @throws InvalidKubeconfig with what is wrong, in words
     */
    static Config config(String kubeconfig) throws InvalidKubeconfig {
        if (kubeconfig == null || kubeconfig.isBlank()) {
            throw new InvalidKubeconfig("the kubeconfig is empty");
        }
        io.fabric8.kubernetes.api.model.Config kc;
        try {
            kc = Serialization.unmarshal(kubeconfig, io.fabric8.kubernetes.api.model.Config.class);
        } catch (RuntimeException e) {
            throw new InvalidKubeconfig("not a kubeconfig: " + firstLine(describe(e)));
        }
        if (kc == null || kc.getContexts() == null || kc.getContexts().isEmpty() || kc.getClusters() == null
                || kc.getClusters().isEmpty()) {
            throw new InvalidKubeconfig("not a kubeconfig: no clusters or contexts");
        }
        String current = kc.getCurrentContext();
        if (current == null || current.isBlank()) {
            throw new InvalidKubeconfig("the kubeconfig has no current-context");
        }
        Context context = kc.getContexts().stream().filter(c -> current.equals(c.getName()))
                .map(NamedContext::getContext).filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new InvalidKubeconfig("current-context " + current + " is not among its contexts"));
        Cluster cluster = kc.getClusters().stream().filter(c -> Objects.equals(c.getName(), context.getCluster()))
                .map(NamedCluster::getCluster).filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new InvalidKubeconfig("cluster " + context.getCluster() + " of context "
                        + current + " is not in the kubeconfig"));
        if (cluster.getServer() == null || !cluster.getServer().matches("^https?://[^\\s/]+.*$")) {
            throw new InvalidKubeconfig("cluster " + context.getCluster() + " has no http(s) server URL");
        }
        List<String> fromFiles = new ArrayList<>();
        if (cluster.getCertificateAuthority() != null) {
            fromFiles.add("certificate-authority");
        }
        AuthInfo user = null;
        if (context.getUser() != null) {
            user = (kc.getUsers() == null ? List.<NamedAuthInfo>of() : kc.getUsers()).stream()
                    .filter(u -> context.getUser().equals(u.getName())).map(NamedAuthInfo::getUser)
                    .filter(Objects::nonNull).findFirst()
                    .orElseThrow(() -> new InvalidKubeconfig("user " + context.getUser() + " of context " + current
                            + " is not in the kubeconfig"));
        }
        if (user != null) {
            if (user.getExec() != null) {
                fromFiles.add("exec (credential plugins are not run)");
            }
            if (user.getAuthProvider() != null) {
                fromFiles.add("auth-provider");
            }
            if (user.getTokenFile() != null) {
                fromFiles.add("tokenFile");
            }
            if (user.getClientCertificate() != null) {
                fromFiles.add("client-certificate");
            }
            if (user.getClientKey() != null) {
                fromFiles.add("client-key");
            }
        }
        if (!fromFiles.isEmpty()) {
            throw new InvalidKubeconfig("the kubeconfig must hold its credentials inline (token, "
                    + "client-certificate-data, certificate-authority-data); refused: " + String.join(", ", fromFiles));
        }
        try {
            return new ConfigBuilder(Config.fromKubeconfig(kubeconfig))
                    // a cleartext server gets HTTP/1.1, as from kubectl: the JDK client would try an h2c upgrade
                    // (over TLS, HTTP/2 is negotiated as usual)
                    .withHttp2Disable(cluster.getServer().startsWith("http://"))
                    .withConnectionTimeout((int) CONNECT_TIMEOUT.toMillis())
                    .withRequestTimeout((int) REQUEST_TIMEOUT.toMillis())
                    .withRequestRetryBackoffLimit(0)
                    .withUserAgent(USER_AGENT)
                    .build();
        } catch (RuntimeException e) {
            throw new InvalidKubeconfig("unusable kubeconfig: " + firstLine(describe(e)));
        }
    }

    private void changed(String cluster) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(cluster);
            } catch (RuntimeException e) {
                LOG.warn("member change listener failed for {}: {}", cluster, e.toString());
            }
        }
    }

    private static void close(Member m) {
        if (m != null && m.client() != null) {
            try {
                m.client().close();
            } catch (RuntimeException e) {
                LOG.debug("closing a member client: {}", e.toString());
            }
        }
    }

    /**
     * The chain of causes in a line, e.g. "HttpConnectTimeoutException: HTTP connect timed out"; the JDK client's
     * causes often carry no message ("ConnectException" for a refused connection), which is said in words.
     */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 3; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                String api = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
                        : k.getMessage();
                parts.add("HTTP " + k.getCode() + (api == null ? "" : ": " + api));
                break;
            }
            String m = t.getMessage();
            if (t instanceof KubernetesClientException && t.getCause() != null) {
                continue; // "Operation: [get] for kind ... failed": the cause says why
            }
            if (m == null || m.isBlank()) {
                m = switch (t.getClass().getSimpleName()) {
                    case "ConnectException" -> "could not connect (refused or no route)";
                    case "ClosedChannelException", "IOException" -> null;
                    default -> "";
                };
                if (m == null) {
                    continue;
                }
            }
            String part = m.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
            String said = m;
            if (parts.stream().noneMatch(p -> !said.isEmpty() && p.contains(said))) {
                parts.add(part);
            }
        }
        String s = parts.isEmpty() ? e.getClass().getSimpleName() : String.join(" <- ", parts);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
