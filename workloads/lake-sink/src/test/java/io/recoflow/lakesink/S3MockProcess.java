package io.recoflow.lakesink;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Adobe S3Mock as its own JVM, from the exec jar the build copies to {@code target/s3mock/} (S3Mock is a Spring
 * Boot 3.3 app: in the test JVM it would clash with our Spring Boot 3.5).
 */
final class S3MockProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private S3MockProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static S3MockProcess start(Path root) throws Exception {
        Path jar = Path.of(System.getProperty("recoflow.s3mock.jar", "target/s3mock/s3mock.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Mock jar not found at " + jar.toAbsolutePath()
                    + " (the build copies it in process-test-resources)");
        }
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.createDirectories(root);
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                jar.toString(), "--server.port=0", "--com.adobe.testing.s3mock.httpPort=" + port,
                "--com.adobe.testing.s3mock.domain.root=" + root, "--spring.main.banner-mode=off",
                "--logging.level.root=WARN")
                .redirectErrorStream(true)
                .redirectOutput(root.resolveSibling("s3mock.log").toFile())
                .start();
        S3MockProcess s = new S3MockProcess(p, port);
        HttpClient http = HttpClient.newHttpClient();
        await("S3Mock on port " + port).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("S3Mock exited: " + p.exitValue());
                    }
                    return http.send(HttpRequest.newBuilder(URI.create(s.endpoint() + "/")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
        return s;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
