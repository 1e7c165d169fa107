package io.recoflow.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The fabric8 mock API server in CRUD mode, in-process: the Kubernetes API the demo and the tests run against.
 * It stores and watches objects but runs no controllers, so nothing makes pods ready unless {@link FakeKubelet}
 * does. It has no server-side apply, which is why the operator writes with create/update here.
 *
 * <p>Every request except those of the test's own {@link #client()} (user agent {@link #TEST_AGENT}) is recorded in
 * RBAC terms, so tests can count the operator's calls and compare them with its Role, and faults can be injected
 * for them ({@link #fail}). The operator's clients are recognised by what they are not: a member cluster's client,
 * built from {@link #kubeconfig()}, cannot carry a test's user agent.
 *
 * <p>{@link #stop()} takes the server off the network (connections refused, as with a member cluster that went
 * away) and {@link #start()} brings it back on the same port with the objects it stored.
 */
public final class MockCluster implements AutoCloseable {
    /** The user agent of {@link #operatorClient()} (its requests are recorded as any but the test's own are). */
    public static final String OPERATOR_AGENT = "recoflow-operator-under-test";
    /** The user agent of {@link #client()}: the only requests not recorded. */
    public static final String TEST_AGENT = "recoflow-test-client";
    /** What GET /version answers unless {@link #version} says otherwise. */
    public static final String DEFAULT_VERSION = "v1.32.4";
    /** Held so the level sticks: the mock server logs every request at INFO through java.util.logging. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** Holds the stored objects; kept across {@link #stop()} and {@link #start()}. */
    private final KubernetesCrudDispatcher crud;
    private final int port;
    private volatile KubernetesMockServer server;
    private final KubernetesClient client;
    private volatile String version = DEFAULT_VERSION;
    private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private volatile KubernetesClient operatorClient;
    private volatile Rbac rbac;

    private record Fault(Predicate<ApiRequest> when, int code, String message) {}

    public MockCluster() {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        crud = new KubernetesCrudDispatcher(List.of()) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String agent = request.getHeader("User-Agent");
                if (agent == null || !agent.contains(TEST_AGENT)) {
                    ApiRequest r = ApiRequest.parse(request.getMethod(), request.getPath());
                    requests.add(r);
                    for (Fault f : faults) {
                        if (f.when().test(r)) {
                            return new MockResponse().setResponseCode(f.code()).setBody(status(f.code(), f.message()));
                        }
                    }
                }
                if ("GET".equals(request.getMethod()) && "/version".equals(request.getPath())) {
                    return versionInfo();
                }
                if ("POST".equals(request.getMethod())
                        && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
                    return rulesReview(request.getUtf8Body());
                }
                return super.dispatch(request);
            }
        };
        server = server();
        server.init();
        port = server.getPort();
        // the mock's own client, with a user agent of its own so that its requests are the ones not recorded
        try (KubernetesClient base = server.createClient()) {
            client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
                    .withUserAgent(TEST_AGENT).build()).build();
        }
    }

    private KubernetesMockServer server() {
        return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), crud, false);
    }

    /** Takes the API server off the network: connections to its port are refused until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.destroy();
            server = null;
        }
    }

    /** Serves again on the same port, with every object stored before {@link #stop()}. */
    public synchronized void start() {
        if (server == null) {
            KubernetesMockServer s = server();
            s.init(InetAddress.getLoopbackAddress(), port);
            server = s;
        }
    }

    /** The gitVersion GET /version reports (a member cluster's Kubernetes version). */
    public void version(String gitVersion) {
        this.version = gitVersion;
    }

    /**
     * A kubeconfig for this server, as a member cluster's Secret holds it: inline server URL and token, nothing
     * read from files.
     */
    public String kubeconfig() {
        return kubeconfig(null);
    }

    /** The same, with a default namespace in its context (what an in-cluster client's own namespace would be). */
    public String kubeconfig(String namespace) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: %s
                users:
                  - name: recoflow-hub
                    user:
                      token: not-checked-by-the-mock
                contexts:
                  - name: mock
                    context:
                      cluster: mock
                      user: recoflow-hub
                %scurrent-context: mock
                """.formatted(url(), namespace == null ? "" : "      namespace: " + namespace + "\n");
    }

    /** The tests' own client (user agent {@link #TEST_AGENT}: not recorded, never refused by {@link #fail}). */
    public KubernetesClient client() {
        return client;
    }

    /** The operator's client: its requests are recorded and subject to {@link #fail}. */
    public synchronized KubernetesClient operatorClient() {
        if (operatorClient == null) {
            operatorClient = new KubernetesClientBuilder().withConfig(operatorConfig()).build();
        }
        return operatorClient;
    }

    /**
     * A config pointing at this server with the operator's user agent. Without the client's own retries of 5xx
     * answers (fabric8 retries them up to 10 times within ~19 s by default): an injected fault reaches the operator
     * at once, and each reconcile attempt sends one request, so tests see the operator's own retrying.
     */
    public Config operatorConfig() {
        return new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT)
                .withRequestRetryBackoffLimit(0).build();
    }

    public String url() {
        return client.getMasterUrl().toString();
    }

    /** Every request but the test client's so far, in order (the operator's, its member clients'). */
    public List<ApiRequest> requests() {
        return new ArrayList<>(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    /**
     * Answers the recorded requests (all but the test client's) that match with an error, as a real API server
     * would refuse them.
     */
    public void fail(Predicate<ApiRequest> when, int code, String message) {
        faults.add(new Fault(when, code, message));
    }

    public void clearFaults() {
        faults.clear();
    }

    /**
     * Answers SelfSubjectRulesReviews (what may I do in namespace N?) with these rules, as the API server does for
     * the operator's ServiceAccount bound to them. Without it a review is refused (422).
     */
    public void authorize(Rbac rules) {
        this.rbac = rules;
    }

    private MockResponse rulesReview(String body) {
        Rbac rules = rbac;
        if (rules == null) {
            return new MockResponse().setResponseCode(422).setBody(status(422,
                    "SelfSubjectRulesReview: no rules given to this mock (MockCluster.authorize)"));
        }
        SelfSubjectRulesReview review = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(body,
                SelfSubjectRulesReview.class);
        String namespace = review.getSpec() == null ? null : review.getSpec().getNamespace();
        review.setStatus(new SubjectRulesReviewStatusBuilder().withIncomplete(false)
                .withResourceRules(rules.rulesIn(namespace)).withNonResourceRules(List.of()).build());
        return new MockResponse().setResponseCode(201)
                .setBody(io.fabric8.kubernetes.client.utils.Serialization.asJson(review));
    }

    /** Creating the CRDs first makes the mock treat status as a subresource, as a real API server does. */
    public void applyCrds(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                            .load(in).item();
                    client.resource(crd).create();
                }
            }
        }
    }

    public void namespace(String name) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    /** Creates every object of a YAML file: in the namespace, or cluster-wide for a cluster-scoped kind. */
    public List<HasMetadata> apply(Path yaml, String namespace) throws IOException {
        try (InputStream in = Files.newInputStream(yaml)) {
            List<HasMetadata> items = client.load(in).items();
            for (HasMetadata item : items) {
                if (clusterScoped(item)) {
                    client.resource(item).create();
                } else {
                    item.getMetadata().setNamespace(namespace);
                    client.resource(item).inNamespace(namespace).create();
                }
            }
            return items;
        }
    }

    /** As the CRDs stored here say (kubectl asks the API server's discovery the same question). */
    private boolean clusterScoped(HasMetadata item) {
        String group = item.getApiVersion().contains("/") ? item.getApiVersion().split("/")[0] : "";
        return client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                .anyMatch(crd -> crd.getSpec().getGroup().equals(group)
                        && crd.getSpec().getNames().getKind().equals(item.getKind())
                        && "Cluster".equals(crd.getSpec().getScope()));
    }

    private MockResponse versionInfo() {
        String v = version;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^v?(\\d+)\\.(\\d+)").matcher(v);
        boolean semver = m.find();
        Map<String, String> info = new LinkedHashMap<>();
        info.put("major", semver ? m.group(1) : "0");
        info.put("minor", semver ? m.group(2) : "0");
        info.put("gitVersion", v);
        info.put("platform", "linux/amd64");
        return new MockResponse().setResponseCode(200)
                .setBody(io.fabric8.kubernetes.client.utils.Serialization.asJson(info));
    }

    private static String status(int code, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                + io.fabric8.kubernetes.client.utils.Serialization.asJson(message) + ",\"code\":" + code + "}";
    }

    @Override
    public void close() {
        if (operatorClient != null) {
            operatorClient.close();
        }
        client.close();
        stop();
    }
}
