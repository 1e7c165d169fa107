package io.recoflow.operator.budget.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A cloud API played by a JDK HttpServer (https where the client insists on it): each route answers what the test
 * says, and every request is kept so the test can check what the SDK sent.
 */
final class HttpStub implements AutoCloseable {
    /** A request as received. Header names are lower case. */
    record Request(String method, String path, String query, Map<String, String> headers, String body) {}

    /** An answer; delayMillis holds it back (to outlast a client timeout). */
    record Reply(int status, String body, long delayMillis) {
        static Reply json(String body) {
            return new Reply(200, body, 0);
        }

        static Reply status(int status, String body) {
            return new Reply(status, body, 0);
        }
    }

    interface Route {
        Reply answer(Request r) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Route> routes = new TreeMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final URI uri;

    private HttpStub(HttpServer server, String scheme) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.uri = URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    static HttpStub http() throws IOException {
        return new HttpStub(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
    }

    static HttpStub https(Tls tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls.server));
        return new HttpStub(s, "https");
    }

    /** Requests whose path starts with the prefix go to the route (the longest matching prefix wins). */
    synchronized HttpStub route(String pathPrefix, Route route) {
        routes.put(pathPrefix, route);
        return this;
    }

    List<Request> requests(String pathPrefix) {
        return requests.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                headers, body);
        requests.add(r);
        Route route = null;
        synchronized (this) {
            for (var e : routes.entrySet()) {
                if (r.path().startsWith(e.getKey())) {
                    route = e.getValue();
                }
            }
        }
        Reply reply;
        try {
            reply = route == null ? Reply.status(404, "{\"error\":\"no route\"}") : route.answer(r);
            if (reply.delayMillis() > 0) {
                Thread.sleep(reply.delayMillis());
            }
        } catch (Exception e) {
            reply = Reply.status(599, "stub failed: " + e);
        }
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        } catch (IOException e) {
            // the client gave up (timeout tests)
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * A self-signed certificate for 127.0.0.1 made by the JDK's keytool, and the two sides' SSL contexts: MSAL and
     * azure-core's bearer-token policy refuse plain http, so the Azure stub must be https.
     */
    static final class Tls {
        final SSLContext server;
        final SSLContext client;

        Tls(Path dir) throws Exception {
            Path store = dir.resolve("stub.p12");
            char[] pass = "changeit".toCharArray();
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "stub", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
                    "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, pass);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("stub", ks.getCertificate("stub"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
        }
    }
}
