package io.recoflow.operator.budget.source;

import io.recoflow.operator.core.Prometheus;
import io.recoflow.operator.core.Prometheus.QueryException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Month-to-date cost from the metrics OpenCost exports to Prometheus, priced the way OpenCost's docs price them:
 * a container's CPU allocation × its node's CPU hourly cost + memory allocation bytes / 2^30 × the node's RAM hourly
 * cost (per GiB) + GPU allocation × the node's GPU hourly cost, and a volume's size / 2^30 × {@code pv_hourly_cost}
 * (per GiB). Allocation is OpenCost's max(request, usage).
 *
 * <p><b>Scope and idle cost.</b> A budget over whole clusters (no namespaces) pays for what the cluster costs:
 * every node's {@code node_total_hourly_cost}, allocated or idle, and every volume, mounted or not. A budget over
 * namespaces pays only for what those namespaces allocate; idle node capacity belongs to no namespace and is not
 * spread over them. {@code byNamespace} is always allocation only, so at cluster scope it sums to less than the
 * total: the rest is idle nodes, unmounted volumes and what no pod requests.
 *
 * <p><b>Clusters.</b> Series are told apart by the {@code cluster} label (or the label given; OpenCost reads it
 * through {@code PROM_CLUSTER_ID_LABEL}, whose own default is {@code cluster_id}), set by Prometheus'
 * {@code external_labels} or relabelling. Its value must be the ClusterTarget's name.
 *
 * <p><b>Integration.</b> Each expression below is a rate in USD per hour. It is summed by an hourly subquery,
 * pinned with {@code @} to the query's clock: {@code sum_over_time((E)[<L>s:1h] @ <T>)} adds E at every whole hour in
 * (T − L − 1 s, T], one query per UTC day (T = the day's end or the last whole hour of now, whichever is first;
 * L = T − max(day start, period start) − 1 s). Every metric is read as {@code avg_over_time(m[1h])}, the hour's
 * mean, so scrape hiccups shorter than an hour do not lose the hour; an object that lived part of an hour is counted
 * for all of it, which errs high, never low. The sums stop at the last whole hour ({@link Spend#asOf()}).
 *
 * <p>Allocation, by cluster and namespace ({@code $nsel} is {@code $sel} plus {@code namespace=~"..."} when the
 * query names namespaces):
 * <pre>
 * sum by ($c, namespace) (
 *   label_replace(
 *       avg by ($c, namespace, pod, container, node) (avg_over_time(container_cpu_allocation{$nsel}[1h]))
 *     * on ($c, node) group_left avg by ($c, node) (avg_over_time(node_cpu_hourly_cost{$sel}[1h])),
 *     "resource", "cpu", "", "")
 *   or label_replace(
 *       avg by ($c, namespace, pod, container, node) (avg_over_time(container_memory_allocation_bytes{$nsel}[1h]))
 *       / 1073741824
 *     * on ($c, node) group_left avg by ($c, node) (avg_over_time(node_ram_hourly_cost{$sel}[1h])),
 *     "resource", "memory", "", "")
 *   or label_replace(
 *       avg by ($c, namespace, pod, container, node) (avg_over_time(container_gpu_allocation{$nsel}[1h]))
 *     * on ($c, node) group_left avg by ($c, node) (avg_over_time(node_gpu_hourly_cost{$sel}[1h])),
 *     "resource", "gpu", "", "")
 *   or label_replace(
 *       max by ($c, namespace, persistentvolume) (avg_over_time(pod_pvc_allocation{$nsel}[1h])) / 1073741824
 *     * on ($c, persistentvolume) group_left
 *       avg by ($c, persistentvolume) (avg_over_time(pv_hourly_cost{$sel}[1h])),
 *     "resource", "storage", "", "")
 * )
 * </pre>
 * Whole clusters, by cluster:
 * <pre>
 * sum by ($c) (
 *   label_replace(avg by ($c, node) (avg_over_time(node_total_hourly_cost{$sel}[1h])), "resource", "nodes", "", "")
 *   or label_replace(
 *       avg by ($c, persistentvolume) (avg_over_time(kube_persistentvolume_capacity_bytes{$sel}[1h])) / 1073741824
 *     * on ($c, persistentvolume) avg by ($c, persistentvolume) (avg_over_time(pv_hourly_cost{$sel}[1h])),
 *     "resource", "storage", "", "")
 * )
 * </pre>
 * {@code $c} is the cluster label and {@code $sel} is {@code $c=~"<the query's clusters>"}. The {@code avg by}
 * drops duplicates (two OpenCost replicas, a series scraped twice); {@code max by (namespace, persistentvolume)}
 * counts a volume once however many pods mount it; {@code label_replace ... or} keeps a container that has CPU but
 * no GPU (a plain {@code +} would drop it).
 *
 * <p><b>Missing and stale data</b> is an exception, never a smaller sum:
 * <ul>
 * <li>{@code max by ($c) (max_over_time(timestamp(node_total_hourly_cost{$sel})[1h:1m] @ <now>))}: a cluster with
 * no sample in the last hour is {@code CostDataUnavailable}; one whose newest sample is older than
 * {@link #STALE_AFTER} is {@code CostDataStale}.</li>
 * <li>{@code count_over_time((P)[<L>s:1h] @ <T>)} and {@code min_over_time(timestamp(P)[<L>s:1h] @ <T>)}, with
 * P = {@code count by ($c) (avg_over_time(node_total_hourly_cost{$sel}[1h]))}, over the whole period: every hour
 * from a cluster's first to the last must have node prices. A cluster whose data starts after the period's first
 * hour is taken as created since, but only when Prometheus has OpenCost data of some cluster for that first hour
 * ({@code count(avg_over_time(node_total_hourly_cost[1h] @ <first hour>))}); when none has, retention is shorter
 * than the period (or OpenCost is newer) and the spend is unknown.</li>
 * <li>At cluster scope, a cluster with volume prices but no {@code kube_persistentvolume_capacity_bytes} (OpenCost's
 * {@code EMIT_KSM_V1_METRICS} off and no kube-state-metrics) cannot price its volumes.</li>
 * </ul>
 */
public final class OpenCostSource implements CostSource {
    /** OpenCost refreshes its metrics every minute; Prometheus scrapes it about as often. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(15);
    private static final long HOUR = 3600;
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    static final String ALLOCATION = """
            sum by ($c, namespace) (
              label_replace(
                  avg by ($c, namespace, pod, container, node) (avg_over_time(container_cpu_allocation{$nsel}[1h]))
                * on ($c, node) group_left avg by ($c, node) (avg_over_time(node_cpu_hourly_cost{$sel}[1h])),
                "resource", "cpu", "", "")
              or label_replace(
                  avg by ($c, namespace, pod, container, node) (avg_over_time(container_memory_allocation_bytes{$nsel}[1h]))
                  / 1073741824
                * on ($c, node) group_left avg by ($c, node) (avg_over_time(node_ram_hourly_cost{$sel}[1h])),
                "resource", "memory", "", "")
              or label_replace(
                  avg by ($c, namespace, pod, container, node) (avg_over_time(container_gpu_allocation{$nsel}[1h]))
                * on ($c, node) group_left avg by ($c, node) (avg_over_time(node_gpu_hourly_cost{$sel}[1h])),
                "resource", "gpu", "", "")
              or label_replace(
                  max by ($c, namespace, persistentvolume) (avg_over_time(pod_pvc_allocation{$nsel}[1h])) / 1073741824
                * on ($c, persistentvolume) group_left
                  avg by ($c, persistentvolume) (avg_over_time(pv_hourly_cost{$sel}[1h])),
                "resource", "storage", "", "")
            )""";

    static final String CLUSTER_COST = """
            sum by ($c) (
              label_replace(avg by ($c, node) (avg_over_time(node_total_hourly_cost{$sel}[1h])), "resource", "nodes", "", "")
              or label_replace(
                  avg by ($c, persistentvolume) (avg_over_time(kube_persistentvolume_capacity_bytes{$sel}[1h])) / 1073741824
                * on ($c, persistentvolume) avg by ($c, persistentvolume) (avg_over_time(pv_hourly_cost{$sel}[1h])),
                "resource", "storage", "", "")
            )""";

    static final String NEWEST = "max by ($c) (max_over_time(timestamp(node_total_hourly_cost{$sel})[1h:1m] @ $t))";
    static final String PRESENT = "count by ($c) (avg_over_time(node_total_hourly_cost{$sel}[1h]))";
    static final String UNSIZED_VOLUMES = "count by ($c) (last_over_time(pv_hourly_cost{$sel}[15m] @ $t))"
            + " unless on ($c) count by ($c) (last_over_time(kube_persistentvolume_capacity_bytes{$sel}[15m] @ $t))";
    static final String ANY_AT = "count(avg_over_time(node_total_hourly_cost[1h] @ $t))";

    private final Prometheus prometheus;
    private final String label;

    /** Clusters told apart by the {@code cluster} label. */
    public OpenCostSource(Prometheus prometheus) {
        this(prometheus, "cluster");
    }

    public OpenCostSource(Prometheus prometheus, String clusterLabel) {
        if (!LABEL_NAME.matcher(clusterLabel).matches()) {
            throw new IllegalArgumentException("not a Prometheus label name: " + clusterLabel);
        }
        this.prometheus = prometheus;
        this.label = clusterLabel;
    }

    @Override
    public Spend monthToDate(CostQuery q) throws CostException {
        try {
            return measure(q);
        } catch (QueryException e) {
            throw CostException.unavailable("OpenCost data from Prometheus " + prometheus.base() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CostException.unavailable("interrupted while querying Prometheus " + prometheus.base(), e);
        }
    }

    private Spend measure(CostQuery q) throws CostException, QueryException, InterruptedException {
        String sel = label + "=~\"" + anyOf(q.clusters().keySet()) + "\"";
        String nsel = q.namespaces().isEmpty() ? sel : sel + ",namespace=~\"" + anyOf(q.namespaces()) + "\"";
        long start = q.periodStart().getEpochSecond();
        long now = q.now().getEpochSecond();
        long last = now - Math.floorMod(now, HOUR);
        boolean wholeClusters = q.namespaces().isEmpty();

        checkFresh(q, fill(NEWEST, sel, nsel).replace("$t", Long.toString(now)));
        if (wholeClusters) {
            checkVolumesSized(fill(UNSIZED_VOLUMES, sel, nsel).replace("$t", Long.toString(now)));
        }
        if (last > start) {
            checkCovered(q, fill(PRESENT, sel, nsel), start, last);
        }

        String allocation = fill(ALLOCATION, sel, nsel);
        String clusterCost = fill(CLUSTER_COST, sel, nsel);
        Map<String, Double> byCluster = new LinkedHashMap<>();
        Map<String, Double> byNamespace = new LinkedHashMap<>();
        q.clusters().keySet().forEach(c -> byCluster.put(c, 0.0));
        q.namespaces().forEach(ns -> byNamespace.put(ns, 0.0));
        List<Double> daily = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(q.now(), ZoneOffset.UTC);
        for (LocalDate d = LocalDate.ofInstant(q.periodStart(), ZoneOffset.UTC); !d.isAfter(today);
                d = d.plusDays(1)) {
            long from = Math.max(start, d.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            long to = Math.min(last, d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            double day = 0;
            if (to > from) {
                for (var e : prometheus.vector(integrate(allocation, from, to), label, "namespace").entrySet()) {
                    byNamespace.merge(e.getKey().get(1), e.getValue(), Double::sum);
                    if (!wholeClusters) {
                        byCluster.merge(e.getKey().get(0), e.getValue(), Double::sum);
                        day += e.getValue();
                    }
                }
                if (wholeClusters) {
                    for (var e : prometheus.vector(integrate(clusterCost, from, to), label).entrySet()) {
                        byCluster.merge(e.getKey().get(0), e.getValue(), Double::sum);
                        day += e.getValue();
                    }
                }
            }
            daily.add(day);
        }
        Map<String, Double> byCloud = new LinkedHashMap<>();
        byCluster.forEach((c, usd) -> byCloud.merge(q.clusters().get(c), usd, Double::sum));
        double total = byCluster.values().stream().mapToDouble(Double::doubleValue).sum();
        return new Spend(total, byCloud, byCluster, byNamespace, daily, Instant.ofEpochSecond(Math.max(start, last)));
    }

    private void checkFresh(CostQuery q, String promql) throws CostException, QueryException, InterruptedException {
        Map<List<String>, Double> newest = prometheus.vector(promql, label);
        List<String> absent = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (String c : q.clusters().keySet()) {
            Double t = newest.get(List.of(c));
            if (t == null) {
                absent.add(c);
            } else if (q.now().getEpochSecond() - t > STALE_AFTER.toSeconds()) {
                stale.add(c + " (newest sample " + Instant.ofEpochSecond(t.longValue()) + ")");
            }
        }
        if (!absent.isEmpty()) {
            throw CostException.unavailable("no OpenCost node_total_hourly_cost sample in the hour before "
                    + q.now() + " for cluster(s) " + absent + " in Prometheus " + prometheus.base()
                    + ": is OpenCost scraped there, with its series labelled " + label + "=\"<ClusterTarget name>\"?");
        }
        if (!stale.isEmpty()) {
            throw CostException.stale("OpenCost data older than " + STALE_AFTER.toMinutes() + " minutes at "
                    + q.now() + ": " + String.join(", ", stale));
        }
    }

    private void checkVolumesSized(String promql) throws CostException, QueryException, InterruptedException {
        Map<List<String>, Double> unsized = prometheus.vector(promql, label);
        if (!unsized.isEmpty()) {
            throw CostException.unavailable("cluster(s) " + names(unsized.keySet()) + " have pv_hourly_cost but no "
                    + "kube_persistentvolume_capacity_bytes, so their volumes cannot be priced: turn on OpenCost's "
                    + "EMIT_KSM_V1_METRICS or scrape kube-state-metrics");
        }
    }

    private void checkCovered(CostQuery q, String present, long start, long last) throws CostException,
            QueryException, InterruptedException {
        String range = "[" + Math.max(1, last - start - 1) + "s:1h] @ " + last;
        Map<List<String>, Double> hours = prometheus.vector("count_over_time((" + present + ")" + range + ")", label);
        Map<List<String>, Double> firsts = prometheus.vector("min_over_time(timestamp(" + present + ")" + range
                + ")", label);
        long firstHour = start - Math.floorMod(start, HOUR) + HOUR;
        List<String> holes = new ArrayList<>();
        Boolean anyAtFirstHour = null;
        for (String c : q.clusters().keySet()) {
            Double first = firsts.get(List.of(c));
            if (first == null) {
                holes.add(c + ": no hour with node prices since " + q.periodStart());
                continue;
            }
            if (first.longValue() > firstHour) {
                if (anyAtFirstHour == null) {
                    anyAtFirstHour = prometheus.scalar(ANY_AT.replace("$t", Long.toString(firstHour))) != null;
                }
                if (!anyAtFirstHour) {
                    throw CostException.unavailable("Prometheus " + prometheus.base() + " has no OpenCost data for "
                            + "the period's first hour (" + Instant.ofEpochSecond(firstHour) + "; the earliest for "
                            + c + " is " + Instant.ofEpochSecond(first.longValue()) + "): its retention is shorter "
                            + "than the period or OpenCost was installed since, so the spend since "
                            + q.periodStart() + " is unknown");
                }
            }
            long expected = (last - first.longValue()) / HOUR + 1;
            long seen = hours.getOrDefault(List.of(c), 0.0).longValue();
            if (seen < expected) {
                holes.add(c + ": " + (expected - seen) + " of " + expected + " hours since "
                        + Instant.ofEpochSecond(first.longValue()) + " have no OpenCost data");
            }
        }
        if (!holes.isEmpty()) {
            throw CostException.unavailable("OpenCost data missing (missing hours would count as free): "
                    + String.join("; ", holes));
        }
    }

    /** {@code sum_over_time} of a USD/hour expression at the whole hours in (from, to]; to is a whole hour. */
    private static String integrate(String perHour, long from, long to) {
        return "sum_over_time((" + perHour + ")[" + Math.max(1, to - from - 1) + "s:1h] @ " + to + ")";
    }

    private String fill(String template, String sel, String nsel) {
        return template.replace("$nsel", nsel).replace("$sel", sel).replace("$c", label);
    }

    private static String names(Collection<List<String>> keys) {
        return keys.stream().map(k -> k.get(0)).collect(Collectors.toCollection(TreeSet::new)).toString();
    }

    /** A regex matching exactly the given names (Prometheus anchors it), inside a PromQL double-quoted string. */
    static String anyOf(Collection<String> names) {
        return names.stream().sorted().map(OpenCostSource::quote).collect(Collectors.joining("|"));
    }

    private static String quote(String name) {
        StringBuilder b = new StringBuilder();
        for (char ch : name.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(ch) >= 0) {
                b.append("\\\\"); // a regex escape, itself escaped for the PromQL string
            } else if (ch == '"') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }
}
