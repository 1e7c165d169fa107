package io.recoflow.operator.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fabric8 mock API server in CRUD mode, in-process: the Kubernetes API the demo and the tests run against.
 * It stores and watches objects but runs no controllers, so nothing makes pods ready unless {@link FakeKubelet}
 * does. It has no server-side apply, which is why the operator patches status with merge patches here.
 */
public final class MockCluster implements AutoCloseable {
    /** Held so the level sticks: the mock server logs every request at INFO through java.util.logging. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    public MockCluster() {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
    }

    public KubernetesClient client() {
        return client;
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

    /** Creates every object of a YAML file in the namespace. */
    public List<HasMetadata> apply(Path yaml, String namespace) throws IOException {
        try (InputStream in = Files.newInputStream(yaml)) {
            List<HasMetadata> items = client.load(in).items();
            for (HasMetadata item : items) {
                item.getMetadata().setNamespace(namespace);
                client.resource(item).inNamespace(namespace).create();
            }
            return items;
        }
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
