package io.recoflow.benchmarks.operatorscale;

import java.util.Map;

/** results.json as a markdown page: the targets first, then each phase, the mock's latency and share. */
final class Summary {
    private static final String[] PHASES = {"cold_start", "promote_all", "steady_touch", "steady_restart"};

    private Summary() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Object at(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            o = map(o).get(p);
            if (o == null) {
                return null;
            }
        }
        return o;
    }

    static double num(Map<String, Object> m, String... path) {
        Object o = at(m, path);
        return o instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    static String f(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format("%,d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format("%,.0f", v) : Math.abs(v) >= 10 ? String.format("%.1f", v)
                : String.format("%.2f", v);
    }

    static String markdown(Map<String, Object> r) {
        StringBuilder s = new StringBuilder();
        Map<String, Object> o = map(r.get("options"));
        s.append("# Operator scale benchmark\n\n");
        s.append(String.format("Operator jar sha256 `%s` (built %s); HEAD at the start of the run `%s`.%n%n",
                r.get("operator_jar_sha256"), r.get("operator_jar_built_utc"), r.get("commit")));
        s.append(String.format("%s RecommendationModels x %s ModelVersions, strategy %s, operator JVM `%s`, "
                + "RECOFLOW_MAX_REQUEUE_SECONDS=%s, kubelet %s. Started %s, finished %s.%n%n",
                o.get("n"), o.get("versions"), o.get("strategy"), o.get("operator_jvm"), o.get("max_requeue_seconds"),
                o.get("kubelet"), r.get("started_utc"), r.get("finished_utc")));
        Map<String, Object> m = map(r.get("machine"));
        s.append(String.format("Machine: %s CPUs (%s), %s GiB, %s, %s. Load average (1/5/15 min) at start `%s`, at "
                + "end `%s`.%n%n", m.get("cpus"), m.get("cpu_model"), m.get("memory_gib"), m.get("os"), m.get("java"),
                m.get("load_average_start"), r.get("load_average_end")));
        if (r.get("error") != null) {
            s.append("**Error:** `").append(r.get("error")).append("`\n\n");
        }

        s.append("## Targets\n\n| target | measured | |\n|---|---|---|\n");
        double cold = num(r, "cold_start", "converge_seconds");
        double prom = num(r, "promote_all", "converge_seconds");
        s.append(row("cold start to all Serving <= 60 s", f(cold) + " s", cold <= 60));
        s.append(row("promote-all to all Serving v2 <= 60 s", f(prom) + " s", prom <= 60));
        double p99 = Double.NaN;
        StringBuilder p99s = new StringBuilder();
        for (String ph : new String[] {"cold_start", "promote_all"}) {
            for (String c : new String[] {Reconciles.RM, Reconciles.MV}) {
                double v = num(r, ph, "reconciles", c, "p99_ms");
                p99 = Double.isNaN(p99) || v > p99 ? v : p99;
                p99s.append(String.format("%s %s %s ms; ", ph.replace('_', ' '), short_(c), f(v)));
            }
        }
        s.append(row("p99 reconcile < 1 s", p99s.toString().replaceAll("; $", ""), p99 < 1000));
        double heap = Math.max(num(r, "cold_start", "operator_heap_after_gc", "heap_used_mib"),
                num(r, "promote_all", "operator_heap_after_gc", "heap_used_mib"));
        s.append(row("operator heap after GC <= 512 MiB", f(heap) + " MiB (largest of the snapshots)", heap <= 512));
        double touchReq = num(r, "steady_touch", "operator_requests", "other");
        double touchRec = num(r, "steady_touch", "reconciles", Reconciles.RM, "started");
        double restartReq = num(r, "steady_restart", "operator_requests", "other");
        double restartRec = num(r, "steady_restart", "reconciles", Reconciles.RM, "started")
                + num(r, "steady_restart", "reconciles", Reconciles.MV, "started");
        s.append(row("0 API requests per steady-state reconcile", String.format(
                "touch: %s requests / %s RM reconciles; restart: %s requests (not LIST/WATCH) / %s reconciles",
                f(touchReq), f(touchRec), f(restartReq), f(restartRec)), touchReq == 0 && restartReq == 0));
        s.append('\n');

        s.append("## Phases\n\n| | ");
        for (String ph : PHASES) {
            s.append(ph.replace('_', ' ')).append(" | ");
        }
        s.append("\n|---|");
        for (String ignored : PHASES) {
            s.append("---:|");
        }
        s.append('\n');
        line(s, r, "converged (all goals met)", ph -> String.valueOf(at(r, ph, "converged")));
        line(s, r, "seconds to converge", ph -> f(num(r, ph, "converge_seconds")));
        line(s, r, "RM met its goal: p50 / p90 / max s", ph -> at(r, ph, "rm_goal_met_seconds") == null ? "–"
                : f(num(r, ph, "rm_goal_met_seconds", "p50")) + " / " + f(num(r, ph, "rm_goal_met_seconds", "p90"))
                        + " / " + f(num(r, ph, "rm_goal_met_seconds", "max")));
        line(s, r, "operator /healthz after s", ph -> f(num(r, ph, "operator_healthy_seconds")));
        line(s, r, "driver patches took s", ph -> f(num(r, ph, "patch_seconds")));
        line(s, r, "wall s (incl. settling)", ph -> f(num(r, ph, "wall_seconds")));
        for (String c : new String[] {Reconciles.RM, Reconciles.MV}) {
            String k = short_(c);
            line(s, r, k + " reconciles (per object)", ph -> f(num(r, ph, "reconciles", c, "started")) + " ("
                    + f(num(r, ph, "reconciles", c, "per_object")) + ")");
            line(s, r, k + " failed / retries", ph -> f(num(r, ph, "reconciles", c, "failed")) + " / "
                    + f(num(r, ph, "reconciles", c, "retries")));
            line(s, r, k + " reconcile p50 / p99 / mean ms", ph -> f(num(r, ph, "reconciles", c, "p50_ms")) + " / "
                    + f(num(r, ph, "reconciles", c, "p99_ms")) + " / " + f(num(r, ph, "reconciles", c, "mean_ms")));
        }
        line(s, r, "operator requests: all / LIST+WATCH", ph -> f(num(r, ph, "operator_requests", "total")) + " / "
                + f(num(r, ph, "operator_requests", "list_watch")));
        line(s, r, "kubelet status writes (409s)", ph -> f(num(r, ph, "kubelet_status_writes")) + " ("
                + f(num(r, ph, "kubelet_conflicts")) + ")");
        line(s, r, "CPU s: operator JVM (user / system)", ph -> f(num(r, ph, "cpu_seconds", "operator_jvm")) + " ("
                + f(num(r, ph, "cpu_seconds", "operator_jvm_user")) + " / "
                + f(num(r, ph, "cpu_seconds", "operator_jvm_system")) + ")");
        for (String g : ScaleBenchmark.OPERATOR_GROUPS) {
            line(s, r, "CPU s: operator JVM, " + g, ph -> f(num(r, ph, "cpu_seconds", "operator_jvm: " + g)));
        }
        line(s, r, "CPU s: operator JVM, " + ThreadCpu.ENDED, ph -> f(num(r, ph, "cpu_seconds",
                "operator_jvm: " + ThreadCpu.ENDED)));
        line(s, r, "CPU s: cluster JVM (mock + kubelet + driver)", ph -> f(num(r, ph, "cpu_seconds",
                "cluster_jvm: total")));
        for (String g : ScaleBenchmark.CLUSTER_GROUPS) {
            String label = g.equals(ThreadCpu.OTHER) ? "driver + its clients (other threads)" : g;
            line(s, r, "CPU s: cluster JVM, " + label, ph -> f(num(r, ph, "cpu_seconds", "cluster_jvm: " + g)));
        }
        line(s, r, "CPU s: cluster JVM, " + ThreadCpu.ENDED, ph -> f(num(r, ph, "cpu_seconds",
                "cluster_jvm: " + ThreadCpu.ENDED)));
        line(s, r, "mock's share of the CPU: vert.x threads .. whole cluster JVM", ph -> String.format(
                "%.0f .. %.0f %%", 100 * num(r, ph, "cpu_seconds", "mock_share_of_mock_plus_operator"),
                100 * num(r, ph, "cpu_seconds", "cluster_jvm_share_of_both_jvms")));
        line(s, r, "mock CPU ms per request served (all clients)",
                ph -> f(num(r, ph, "mock_cpu_ms_per_write_or_request_served")));
        line(s, r, "operator threads started / GC pauses s", ph -> f(num(r, ph, "operator_threads_started"))
                + " / " + f(num(r, ph, "operator_gc_pause_seconds")));
        line(s, r, "cluster JVM threads started", ph -> f(num(r, ph, "cluster_jvm_threads_started")));
        line(s, r, "/metrics bytes (series)", ph -> f(num(r, ph, "scrape_bytes")) + " ("
                + f(num(r, ph, "scrape_series")) + ")");
        line(s, r, "operator heap after GC MiB (committed) / live objects MiB", ph -> f(num(r, ph,
                "operator_heap_after_gc", "heap_used_mib")) + " (" + f(num(r, ph, "operator_heap_after_gc",
                "heap_committed_mib")) + ") / " + f(num(r, ph, "operator_heap_after_gc", "live_objects_mib")));
        line(s, r, "operator RSS MiB / threads", ph -> f(num(r, ph, "operator_heap_after_gc", "rss_mib")) + " / "
                + f(num(r, ph, "operator_heap_after_gc", "threads")));
        line(s, r, "load average", ph -> String.valueOf(at(r, ph, "load_average")));
        s.append('\n');

        s.append("## Mock API server: latency per request (one at a time) and its CPU per request\n\n");
        s.append("| request | empty mock p50 / p99 ms | full mock p50 / p99 ms | full mock CPU ms/request | items |\n");
        s.append("|---|---:|---:|---:|---:|\n");
        Map<String, Object> empty = map(r.get("mock_latency_empty"));
        Map<String, Object> full = map(r.get("mock_latency_full"));
        for (String k : full.isEmpty() ? empty.keySet() : full.keySet()) {
            s.append(String.format("| %s | %s / %s | %s / %s | %s | %s |%n", k, f(num(empty, k, "p50_ms")),
                    f(num(empty, k, "p99_ms")), f(num(full, k, "p50_ms")), f(num(full, k, "p99_ms")),
                    f(num(full, k, "mock_cpu_ms_per_request")), f(num(full, k, "items"))));
        }
        s.append("\nObjects in the mock at the end: ").append(r.get("mock_objects"))
                .append("; mock + driver JVM heap after GC: ").append(r.get("cluster_jvm_heap_after_gc_mib"))
                .append(" MiB.\n\n");

        s.append("## Operator requests by rule\n\n");
        for (String ph : PHASES) {
            Object rules = at(r, ph, "operator_requests", "by_rule");
            if (rules != null) {
                s.append("- ").append(ph.replace('_', ' ')).append(": ").append(rules).append('\n');
            }
        }
        s.append("\n## /metrics by family (after promote-all)\n\n| family | series | bytes |\n|---|---:|---:|\n");
        map(at(r, "promote_all", "scrape_by_family")).forEach((k, v) -> s.append(String.format("| `%s` | %s | %s |%n",
                k, f(num(map(v), "series")), f(num(map(v), "bytes")))));
        return s.toString();
    }

    private static String short_(String controller) {
        return controller.equals(Reconciles.RM) ? "RM" : "MV";
    }

    private static String row(String target, String measured, boolean met) {
        return "| " + target + " | " + measured + " | " + (met ? "met" : "**missed**") + " |\n";
    }

    private static void line(StringBuilder s, Map<String, Object> r, String label,
            java.util.function.Function<String, String> cell) {
        s.append("| ").append(label).append(" | ");
        for (String ph : PHASES) {
            s.append(r.get(ph) == null ? "–" : cell.apply(ph)).append(" | ");
        }
        s.append('\n');
    }
}
