package io.recoflow.operator.budget.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recoflow.operator.budget.source.OpenCostPrometheus.Series;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenCostSource against a real Prometheus holding synthetic OpenCost series: two days and some hours of history
 * since P (midnight UTC two days ago), backfilled, then scraped live. Every price and allocation is constant, so
 * each scope costs a fixed amount per hour and the month-to-date spend is that rate × the whole hours since P.
 *
 * <p>Per hour: aws-east's node n1 costs 0.48 in all (8 cores × 0.04 + 32 GiB × 0.005); namespace shop allocates
 * 2 cores + 4 GiB (0.08 + 0.02) and a 100 GiB volume at 0.0002/GiB (0.02, mounted by two pods, counted once) =
 * 0.12; search 1 core + 2 GiB = 0.04 + 0.01 = 0.05; an unmounted 50 GiB volume costs 0.01. So aws-east as a whole
 * costs 0.48 + 0.02 + 0.01 = 0.51 (idle included), its namespaces 0.17. azure-west's node n2 costs 4 × 0.05 +
 * 16 × 0.004 + 1 GPU × 0.90 = 1.164, namespace ml allocates 2 × 0.05 + 8 × 0.004 + 0.90 = 1.032. A cluster outside
 * every query ("other", with a pod in namespace shop) must never count.
 */
class OpenCostSourceTest {
    private static final double GIB = 1L << 30;
    static long p;
    static OpenCostPrometheus prom;
    static OpenCostSource source;

    @BeforeAll
    static void start() throws Exception {
        long now = Instant.now().getEpochSecond();
        p = now - Math.floorMod(now, 86400) - 2 * 86400;
        long h = 3600;
        List<Series> s = new ArrayList<>();
        node(s, "aws-east", "n1", 0.04, 0.005, 0, 0.48);
        container(s, "aws-east", "shop", "web-0", "n1", 2, 4, 0);
        container(s, "aws-east", "search", "api-0", "n1", 1, 2, 0);
        s.add(new Series("pv_hourly_cost", "cluster=\"aws-east\",persistentvolume=\"pv-shop\"", 0.0002));
        s.add(new Series("kube_persistentvolume_capacity_bytes", "cluster=\"aws-east\",persistentvolume=\"pv-shop\"",
                100 * GIB));
        for (String pod : List.of("web-0", "web-1")) {
            s.add(new Series("pod_pvc_allocation", "cluster=\"aws-east\",namespace=\"shop\",pod=\"" + pod + "\","
                    + "persistentvolumeclaim=\"data\",persistentvolume=\"pv-shop\"", 100 * GIB));
        }
        s.add(new Series("pv_hourly_cost", "cluster=\"aws-east\",persistentvolume=\"pv-orphan\"", 0.0002));
        s.add(new Series("kube_persistentvolume_capacity_bytes",
                "cluster=\"aws-east\",persistentvolume=\"pv-orphan\"", 50 * GIB));

        node(s, "azure-west", "n2", 0.05, 0.004, 0.90, 1.164);
        container(s, "azure-west", "ml", "train-0", "n2", 2, 8, 1);

        node(s, "other", "n9", 1.0, 0.01, 0, 5.0);
        container(s, "other", "shop", "x-0", "n9", 1, 1, 0);

        // no node prices from P+5h30m to P+8h30m: the hours ending P+7h and P+8h have no data at all
        s.add(new Series("node_total_hourly_cost", "cluster=\"gappy\",node=\"g1\"", 1.0,
                t -> t <= p + 5 * h + 1800 || t >= p + 8 * h + 1800));
        // created at P+30h30m: its first hour with data is the one ending P+31h
        s.add(new Series("node_total_hourly_cost", "cluster=\"newbie\",node=\"b1\"", 0.25, t -> t >= p + 30 * h + 1800));
        // volume prices without volume sizes
        s.add(new Series("node_total_hourly_cost", "cluster=\"nocap\",node=\"c1\"", 0.1));
        s.add(new Series("pv_hourly_cost", "cluster=\"nocap\",persistentvolume=\"pv-x\"", 0.0002));

        prom = OpenCostPrometheus.start(p - 2 * h, s);
        source = new OpenCostSource(prom.client);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prom != null) {
            prom.close();
        }
    }

    static void node(List<Series> s, String cluster, String node, double cpu, double ramGib, double gpu,
            double total) {
        String l = "cluster=\"" + cluster + "\",node=\"" + node + "\",instance_type=\"m5.2xlarge\"";
        s.add(new Series("node_cpu_hourly_cost", l, cpu));
        s.add(new Series("node_ram_hourly_cost", l, ramGib));
        s.add(new Series("node_gpu_hourly_cost", l, gpu));
        s.add(new Series("node_total_hourly_cost", l, total));
    }

    static void container(List<Series> s, String cluster, String ns, String pod, String node, double cores,
            double gib, double gpus) {
        String l = "cluster=\"" + cluster + "\",namespace=\"" + ns + "\",pod=\"" + pod + "\",container=\"main\","
                + "node=\"" + node + "\"";
        s.add(new Series("container_cpu_allocation", l, cores));
        s.add(new Series("container_memory_allocation_bytes", l, gib * GIB));
        if (gpus > 0) {
            s.add(new Series("container_gpu_allocation", l, gpus));
        }
    }

    /** The whole hours that end in (from, to], as the source counts them. */
    static long hours(long from, long to) {
        long last = to - Math.floorMod(to, 3600);
        return last > from ? (last - from) / 3600 : 0;
    }

    /** Whole hours since P per UTC day, the first day P's. */
    static List<Long> hoursPerDay(long now) {
        List<Long> out = new ArrayList<>();
        long last = now - Math.floorMod(now, 3600);
        for (long d = p; d <= now - Math.floorMod(now, 86400); d += 86400) {
            out.add(Math.max(0, (Math.min(last, d + 86400) - d) / 3600));
        }
        return out;
    }

    static CostQuery query(Instant now, Map<String, String> clusters, List<String> namespaces) {
        return new CostQuery(Instant.ofEpochSecond(p), now, clusters, namespaces);
    }

    @Test
    void wholeClustersPayForIdleNodesAndUnmountedVolumes() throws Exception {
        Instant now = Instant.now();
        Spend s = source.monthToDate(query(now, Map.of("aws-east", "aws", "azure-west", "azure"), List.of()));

        long h = hours(p, now.getEpochSecond()); // 48 + the hour of the day now
        assertThat(s.byCluster()).containsOnlyKeys("aws-east", "azure-west");
        assertThat(s.byCluster().get("aws-east")).isCloseTo(0.51 * h, within(1e-6));
        assertThat(s.byCluster().get("azure-west")).isCloseTo(1.164 * h, within(1e-6));
        assertThat(s.byCloud()).containsOnlyKeys("aws", "azure");
        assertThat(s.byCloud().get("aws")).isCloseTo(0.51 * h, within(1e-6));
        assertThat(s.byCloud().get("azure")).isCloseTo(1.164 * h, within(1e-6));
        assertThat(s.totalUSD()).isCloseTo(1.674 * h, within(1e-6));
        // allocation only: shop 0.12, search 0.05, ml 1.032 per hour; "other"'s pod in shop is not there
        assertThat(s.byNamespace()).containsOnlyKeys("shop", "search", "ml");
        assertThat(s.byNamespace().get("shop")).isCloseTo(0.12 * h, within(1e-6));
        assertThat(s.byNamespace().get("search")).isCloseTo(0.05 * h, within(1e-6));
        assertThat(s.byNamespace().get("ml")).isCloseTo(1.032 * h, within(1e-6));
        // P's day and yesterday are whole (24 h each, the data before P is not counted), today so far
        List<Long> perDay = hoursPerDay(now.getEpochSecond());
        assertThat(perDay.subList(0, 2)).containsExactly(24L, 24L);
        assertThat(s.daily()).hasSize(perDay.size());
        for (int i = 0; i < perDay.size(); i++) {
            assertThat(s.daily().get(i)).as("day %d", i).isCloseTo(1.674 * perDay.get(i), within(1e-6));
        }
        assertThat(s.asOf()).isEqualTo(Instant.ofEpochSecond(now.getEpochSecond()
                - Math.floorMod(now.getEpochSecond(), 3600)));
    }

    @Test
    void clockInThePastSplitsDaysAtMidnight() throws Exception {
        // now = P + 36 h 17 min, inside the backfilled history: 24 whole hours on P's day, 12 on the next
        Instant now = Instant.ofEpochSecond(p + 36 * 3600 + 17 * 60);
        Spend s = source.monthToDate(query(now, Map.of("aws-east", "aws", "azure-west", "azure"), List.of()));

        assertThat(s.totalUSD()).isCloseTo(1.674 * 36, within(1e-6));
        assertThat(s.daily()).hasSize(2);
        assertThat(s.daily().get(0)).isCloseTo(1.674 * 24, within(1e-6));
        assertThat(s.daily().get(1)).isCloseTo(1.674 * 12, within(1e-6));
        assertThat(s.byNamespace().get("ml")).isCloseTo(1.032 * 36, within(1e-6));
        assertThat(s.asOf()).isEqualTo(Instant.ofEpochSecond(p + 36 * 3600));
    }

    @Test
    void namespacesPayOnlyForWhatTheyAllocate() throws Exception {
        Instant now = Instant.now();
        Spend s = source.monthToDate(query(now, Map.of("aws-east", "aws"), List.of("shop", "quiet")));

        long h = hours(p, now.getEpochSecond());
        assertThat(s.totalUSD()).isCloseTo(0.12 * h, within(1e-6));
        assertThat(s.byCluster()).containsOnlyKeys("aws-east");
        assertThat(s.byCluster().get("aws-east")).isCloseTo(0.12 * h, within(1e-6));
        assertThat(s.byCloud().get("aws")).isCloseTo(0.12 * h, within(1e-6));
        assertThat(s.byNamespace()).containsOnlyKeys("shop", "quiet");
        assertThat(s.byNamespace().get("quiet")).isZero();
        List<Long> perDay = hoursPerDay(now.getEpochSecond());
        for (int i = 0; i < perDay.size(); i++) {
            assertThat(s.daily().get(i)).isCloseTo(0.12 * perDay.get(i), within(1e-6));
        }
    }

    @Test
    void clusterCreatedThisPeriodCountsFromItsFirstHour() throws Exception {
        Instant now = Instant.now();
        Spend s = source.monthToDate(query(now, Map.of("newbie", "aws"), List.of()));
        // hours ending P+31h .. the last whole hour: all hours since P but the first 30
        assertThat(s.totalUSD()).isCloseTo(0.25 * (hours(p, now.getEpochSecond()) - 30), within(1e-6));
    }

    @Test
    void dataOlderThanFifteenMinutesIsStale() {
        Instant later = Instant.now().plusSeconds(20 * 60);
        assertThatThrownBy(() -> source.monthToDate(query(later, Map.of("aws-east", "aws"), List.of())))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataStale");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("aws-east");
                });
    }

    @Test
    void clusterWithoutDataIsUnavailable() {
        assertThatThrownBy(() -> source.monthToDate(query(Instant.now(), Map.of("aws-east", "aws", "ghost", "aws"),
                List.of())))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.getMessage()).contains("[ghost]", "cluster=");
                });
    }

    @Test
    void hoursWithoutDataAreMissingNotFree() {
        assertThatThrownBy(() -> source.monthToDate(query(Instant.now(), Map.of("gappy", "aws"), List.of())))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.getMessage()).contains("gappy: 2 of ");
                });
    }

    @Test
    void periodBeyondRetentionIsUnavailable() {
        // a day earlier than any data: nothing for the period's first hour, so the spend before P is unknown
        CostQuery q = new CostQuery(Instant.ofEpochSecond(p - 86400), Instant.now(), Map.of("aws-east", "aws"),
                List.of());
        assertThatThrownBy(() -> source.monthToDate(q))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.getMessage()).contains("retention");
                });
    }

    @Test
    void volumesWithoutSizesCannotBePriced() throws Exception {
        assertThatThrownBy(() -> source.monthToDate(query(Instant.now(), Map.of("nocap", "aws"), List.of())))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.getMessage()).contains("[nocap]", "kube_persistentvolume_capacity_bytes");
                });
    }

    @Test
    void prometheusDownIsUnavailable() {
        OpenCostSource nowhere = new OpenCostSource(new io.recoflow.operator.core.Prometheus(
                java.net.URI.create("http://127.0.0.1:1"), java.time.Duration.ofSeconds(1)));
        assertThatThrownBy(() -> nowhere.monthToDate(query(Instant.now(), Map.of("aws-east", "aws"), List.of())))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void namesAreQuotedForTheRegex() {
        assertThat(OpenCostSource.anyOf(List.of("prod.eu", "b"))).isEqualTo("b|prod\\\\.eu");
        assertThat(LocalDate.ofInstant(Instant.ofEpochSecond(p), ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC)
                .toEpochSecond()).isEqualTo(p);
    }
}
