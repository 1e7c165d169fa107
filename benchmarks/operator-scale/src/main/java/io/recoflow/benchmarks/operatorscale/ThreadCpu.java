package io.recoflow.benchmarks.operatorscale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a JVM split by thread, from {@code /proc/PID/task/TID/stat} (user + system, 1/100 s ticks), so the
 * mock's own cost can be told apart from the fake kubelet's and the driver's, and GC and JIT from the work itself.
 * Threads are grouped by the name the kernel sees (the Java name cut to 15 characters). CPU of threads that ended
 * between two marks is only in the process total: that remainder is reported as "ended threads".
 */
final class ThreadCpu {
    static final String MOCK = "mock API server (vert.x-*)";
    static final String KUBELET = "fake kubelet (kubelet-*)";
    static final String RECONCILERS = "JOSDK reconcilers (pool-*)";
    static final String HTTP = "HTTP client completions (k8s-http-*, Thread-*)";
    static final String GC = "GC + VM thread";
    static final String JIT = "JIT compilers";
    static final String OTHER = "other threads";
    static final String ENDED = "ended threads";

    record Mark(double total, Map<String, Double> tasks, Map<String, String> names) {}

    static Mark mark(long pid) {
        Map<String, Double> tasks = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        Path dir = Path.of("/proc/" + pid + "/task");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path t : s.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    tasks.put(t.getFileName().toString(), seconds(stat));
                    names.put(t.getFileName().toString(), comm);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return new Mark(Double.NaN, tasks, names);
        }
        try {
            return new Mark(seconds(Files.readString(Path.of("/proc/" + pid + "/stat"))), tasks, names);
        } catch (IOException e) {
            return new Mark(Double.NaN, tasks, names);
        }
    }

    static Mark self() {
        return mark(ProcessHandle.current().pid());
    }

    private static double seconds(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static String group(String comm) {
        if (comm.startsWith("vert.x")) {
            return MOCK;
        }
        if (comm.startsWith("kubelet-")) {
            return KUBELET;
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")
                || comm.startsWith("VM Periodic")) {
            return GC;
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        if (comm.startsWith("pool-")) {
            return RECONCILERS;
        }
        if (comm.startsWith("k8s-http") || comm.startsWith("Thread-") || comm.startsWith("HttpClient-")) {
            return HTTP;
        }
        return OTHER;
    }

    /**
     * CPU seconds per group between two marks of one process (threads of groups not listed count as "other"),
     * then "ended threads" and the process total.
     */
    static Map<String, Double> between(Mark a, Mark b, List<String> groups) {
        Map<String, Double> out = new LinkedHashMap<>();
        groups.forEach(g -> out.put(g, 0.0));
        double threads = 0;
        for (var e : b.tasks().entrySet()) {
            double s = e.getValue() - a.tasks().getOrDefault(e.getKey(), 0.0);
            String g = group(b.names().get(e.getKey()));
            out.merge(groups.contains(g) ? g : OTHER, s, Double::sum);
            threads += s;
        }
        double total = b.total() - a.total();
        out.put(ENDED, Math.max(0, total - threads));
        out.put("total", total);
        return out;
    }
}
