package io.recoflow.benchmarks.operatorscale;

import io.recoflow.operator.testing.MockCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator under test in its own JVM: the shipped jar ({@code recoflow-operator-*-all.jar run}, i.e.
 * {@code OperatorMain} with its production client, thread pools, settings from RECOFLOW_* and /metrics), pointed
 * at the mock with fabric8's system properties and the user agent the mock records. Its heap and CPU are read
 * from outside: {@code jcmd} (GC.run, GC.heap_info, GC.class_histogram) and {@code /proc}.
 */
final class OperatorJvm implements AutoCloseable {
    private final Process process;
    private final int metricsPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OperatorJvm(Process process, int metricsPort, Path log) {
        this.process = process;
        this.metricsPort = metricsPort;
        this.log = log;
    }

    static OperatorJvm start(Path jar, String masterUrl, List<String> jvmOptions, Map<String, String> env, Path log)
            throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmOptions);
        cmd.add("-Dkubernetes.master=" + masterUrl);
        cmd.add("-Dkubernetes.auth.tryKubeConfig=false");
        cmd.add("-Dkubernetes.auth.tryServiceAccount=false");
        cmd.add("-Dkubernetes.namespace=default");
        cmd.add("-Dkubernetes.user.agent=" + MockCluster.OPERATOR_AGENT);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("run");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("RECOFLOW_METRICS_PORT", String.valueOf(port));
        Files.writeString(log, "# " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new OperatorJvm(pb.start(), port, log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for /healthz: the operator started and every informer synced. */
    void awaitHealthy(Duration max) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("operator exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/healthz"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("operator not healthy within " + max + "; see " + log);
    }

    /** GET /metrics, as Prometheus scrapes it. */
    Scrape scrape() throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + r.statusCode());
        }
        return Scrape.parse(r.body());
    }

    /** CPU time (user + system) of the operator process so far, in seconds. */
    double cpuSeconds() {
        return ProcessHandle.of(process.pid()).flatMap(h -> h.info().totalCpuDuration())
                .map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** User and system CPU seconds from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s). */
    double[] userSystemSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** G1: one "garbage-first heap total ..K, used ..K" line; Serial and Parallel: one line per generation. */
    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern META = Pattern.compile("Metaspace\\s+used (\\d+)K");

    /**
     * A full GC ({@code jcmd GC.run}, i.e. System.gc()), then the heap in use and committed, metaspace, RSS and
     * thread count; the class histogram (live objects, top entries) goes to {@code histogram}.
     */
    Map<String, Object> heapAfterGc(Path histogram) throws Exception {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Map<String, Object> out = new LinkedHashMap<>();
        Matcher m = HEAP.matcher(info);
        long total = 0;
        long used = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        if (total > 0) {
            out.put("heap_used_mib", used / 1024.0);
            out.put("heap_committed_mib", total / 1024.0);
        }
        Matcher meta = META.matcher(info);
        if (meta.find()) {
            out.put("metaspace_used_mib", Long.parseLong(meta.group(1)) / 1024.0);
        }
        String status = Files.readString(Path.of("/proc/" + process.pid() + "/status"));
        out.put("rss_mib", procKb(status, "VmRSS") / 1024.0);
        out.put("threads", procKb(status, "Threads"));
        if (histogram != null) {
            String h = jcmd("GC.class_histogram");
            String[] lines = h.split("\n");
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(lines.length, 33); i++) {
                top.append(lines[i]).append('\n');
            }
            String last = lines[lines.length - 1].trim();
            top.append(last).append('\n');
            Files.writeString(histogram, top.toString());
            if (last.startsWith("Total")) {
                String[] f = last.split("\\s+");
                out.put("live_objects_mib", Long.parseLong(f[2]) / 1048576.0);
            }
        }
        return out;
    }

    private static long procKb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    String jcmd(String command) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /** SIGTERM, as Kubernetes stops a pod: the shutdown hook stops the operator. */
    int stop(Duration max) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(20));
        }
    }
}
