package io.recoflow.lakesink;

import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's Blob service (Microsoft's emulator, from npm) as a child process on a fixed port and workspace, so a
 * test can stop it and start it again where it was. The binary: {@code AZURITE_BLOB}, else what {@code .ci/run}
 * installs ({@code .ci/node/node_modules/.bin/azurite-blob}), else {@code azurite-blob} on the PATH. A missing
 * binary fails the test: it is never skipped.
 */
final class AzuriteProcess implements AutoCloseable {
    /** Azurite's well-known development account. */
    static final String ACCOUNT = "devstoreaccount1";
    static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final int port;
    private final Path location;
    private Process process;

    AzuriteProcess(Path location) throws Exception {
        this.port = S3MockProcess.freePort();
        this.location = location;
    }

    AzuriteProcess start() throws Exception {
        Files.createDirectories(location);
        process = new ProcessBuilder(binary(), "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                "--location", location.toString(), "--skipApiVersionCheck", "--loose", "--silent")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(location.resolveSibling("azurite.log").toFile()))
                .start();
        Process p = process;
        await("Azurite on port " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("Azurite exited: " + p.exitValue());
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                        return true;
                    }
                });
        return this;
    }

    void stop() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + "http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private static String binary() {
        String env = System.getenv("AZURITE_BLOB");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path ci = Path.of("../../.ci/node/node_modules/.bin/azurite-blob");
        if (Files.isExecutable(ci)) {
            return ci.toAbsolutePath().normalize().toString();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "azurite-blob");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("azurite-blob not found: run `npm install --prefix .ci/node azurite@3.37.0`"
                + " in the repository root (.ci/run does) or set AZURITE_BLOB");
    }
}
