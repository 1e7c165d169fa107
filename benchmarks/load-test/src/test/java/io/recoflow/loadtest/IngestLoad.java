package io.recoflow.loadtest;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ingest benchmark's load generator (benchmarks/ingest/run.sh). Posts real Online Retail invoice lines (one
 * purchase event each, a unique eventId, the timestamp set when its request is built) to the collector at each
 * rate of {@code levels} for {@code seconds}, in {@code :batch} posts of {@code batch} events ({@code batch=1}: single
 * posts to {@code /v1/events}). After each level it waits until the worker applied every accepted event (its
 * {@code recoflow_worker_events_total{outcome="applied"}}) and the sink made every one durable
 * ({@code recoflow_sink_rows_total}), or until they stop moving, then reports per level: accepted (202) events,
 * applied, lake rows, lost, p95/p99 freshness (the worker's {@code recoflow_worker_event_delay_seconds} histogram,
 * this level's increase only) and CPU microseconds per accepted event of each process in {@code pids} (from
 * /proc/PID/stat, the level's send window plus its drain). Writes the markdown to {@code out} and the average
 * Kafka record value size (the collector's JSON of the events sent) to {@code out}'s folder as
 * {@code record-bytes.txt}, for kafka-producer-perf-test.
 *
 * <p>System properties: collector, worker (metrics URL), sink (metrics URL, empty = no sink), dataset, levels
 * (events/s, comma-separated), seconds, warmup (seconds at the first level, not reported), batch, concurrency (most
 * requests in flight), drain (most seconds to wait after a level), pids ({@code name=pid,...}), hz (CLK_TCK), out.
 */
public final class IngestLoad {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");
    private static final String APPLIED = "recoflow_worker_events_total";
    private static final String DELAY = "recoflow_worker_event_delay_seconds_bucket";
    private static final String SINK_ROWS = "recoflow_sink_rows_total";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String[]> rows;
    private final String collector;
    private final String worker;
    private final String sink;
    private final int batch;
    private final int drainSeconds;
    private final Semaphore inFlight;
    private final Map<String, Long> pids;
    private final long hz;
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private long seq;
    private int row;
    private long warmupAccepted;

    /** One level's outcome. */
    record Level(int target, double sentPerSecond, long accepted, long rejected, long errors, long applied,
            long lakeRows, double p95, double p99, Map<String, Double> cpuMicrosPerEvent, double machineCores) {
        long lost() {
            return accepted - applied;
        }

        long lakeLost(boolean sink) {
            return sink ? accepted - lakeRows : 0;
        }
    }

    private IngestLoad(List<String[]> rows) {
        this.rows = rows;
        this.collector = System.getProperty("collector");
        this.worker = System.getProperty("worker");
        this.sink = System.getProperty("sink", "");
        this.batch = Integer.getInteger("batch", 100);
        this.drainSeconds = Integer.getInteger("drain", 30);
        this.inFlight = new Semaphore(Integer.getInteger("concurrency", 64));
        this.hz = Long.getLong("hz", 100);
        this.pids = new LinkedHashMap<>();
        for (String p : System.getProperty("pids", "").split(",")) {
            if (p.contains("=")) {
                pids.put(p.substring(0, p.indexOf('=')), Long.parseLong(p.substring(p.indexOf('=') + 1).trim()));
            }
        }
        pids.put("load generator", ProcessHandle.current().pid());
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(System.getProperty("out"));
        int[] levels = Arrays.stream(System.getProperty("levels", "5000,10000,20000,30000,40000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.getInteger("seconds", 20);
        int warmup = Integer.getInteger("warmup", 10);
        IngestLoad load = new IngestLoad(RetailData.lines(Path.of(System.getProperty("dataset"))));
        long recordBytes = load.recordBytes();
        Files.writeString(out.resolveSibling("record-bytes.txt"), Long.toString(recordBytes));
        System.out.printf("%d Online Retail invoice lines, %d bytes per event on the topic on average%n",
                load.rows.size(), recordBytes);
        Metrics start = load.scrape();
        if (warmup > 0) {
            System.out.printf("warm-up: %d events/s for %d s (not reported)%n", levels[0], warmup);
            load.warmupAccepted = load.level(levels[0], warmup).accepted();
        }
        List<Level> results = new ArrayList<>();
        for (int target : levels) {
            Level l = load.level(target, seconds);
            results.add(l);
            System.out.printf(Locale.ROOT, "level %d/s: sent %.0f/s accepted %d applied %d lake %d lost %d p95 %.0f ms%n",
                    target, l.sentPerSecond(), l.accepted(), l.applied(), l.lakeRows(), l.lost(), l.p95() * 1000);
        }
        // a level's "lost" may be late (still in the backlog when its drain ended): the run's totals tell them apart
        long accepted = results.stream().mapToLong(Level::accepted).sum();
        Metrics end = load.drain(start, accepted + load.warmupAccepted, 3 * load.drainSeconds);
        String md = load.markdown(results, seconds) + String.format(Locale.ROOT,
                "%nWhole run after a final drain (warm-up included): accepted %,d, applied in Redis %,d%s%n",
                accepted + load.warmupAccepted, end.applied - start.applied,
                load.sink.isEmpty() ? "" : String.format(Locale.ROOT, ", rows in the lake %,d", end.lakeRows - start.lakeRows));
        System.out.print(md);
        Files.writeString(out, md);
    }

    /** Sends at {@code target} events/s for {@code seconds}, then drains; the counters are this level's increase. */
    Level level(int target, int seconds) throws Exception {
        Metrics before = scrape();
        Map<String, Long> cpu0 = ticks();
        long busy0 = machineBusy();
        long t0 = System.nanoTime();
        AtomicLong accepted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long intervalNanos = (long) (1e9 * batch / target);
        long end = t0 + seconds * 1_000_000_000L;
        long sent = 0;
        URI uri = URI.create(collector + (batch == 1 ? "/v1/events" : "/v1/events:batch"));
        for (long next = t0; next < end; next += intervalNanos) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire(); // the open model stops at the client's limit: the sent rate then says so
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body())).build();
            sent += batch;
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, ex) -> {
                inFlight.release();
                if (ex != null) {
                    errors.addAndGet(batch);
                } else if (r.statusCode() == 202) {
                    accepted.addAndGet(batch);
                } else {
                    rejected.addAndGet(batch);
                }
            });
        }
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        int permits = Integer.getInteger("concurrency", 64);
        if (!inFlight.tryAcquire(permits, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still in flight 60 s after the level");
        }
        inFlight.release(permits);
        Metrics after = drain(before, accepted.get(), drainSeconds);
        Map<String, Long> cpu1 = ticks();
        long busy1 = machineBusy();
        double wallSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> perEvent = new LinkedHashMap<>();
        for (String name : cpu1.keySet()) {
            long d = cpu1.get(name) - cpu0.getOrDefault(name, 0L);
            perEvent.put(name, accepted.get() == 0 ? Double.NaN : d * 1e6 / hz / accepted.get());
        }
        TreeMap<Double, Double> delay = after.delayMinus(before);
        return new Level(target, sent / sendSeconds, accepted.get(), rejected.get(), errors.get(),
                after.applied - before.applied, after.lakeRows - before.lakeRows, quantile(delay, 0.95),
                quantile(delay, 0.99), perEvent, (busy1 - busy0) / (double) hz / wallSeconds);
    }

    /**
     * Waits until the worker (and the sink) counted every accepted event, or nothing moved for 10 s, or
     * {@code seconds} passed. Polls once a second: a scrape of the worker costs it CPU too.
     */
    private Metrics drain(Metrics before, long accepted, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Metrics m = scrape();
        long progressAt = System.nanoTime();
        while (System.nanoTime() < deadline) {
            boolean done = m.applied - before.applied >= accepted
                    && (sink.isEmpty() || m.lakeRows - before.lakeRows >= accepted);
            if (done || System.nanoTime() - progressAt > 10_000_000_000L) {
                break;
            }
            Thread.sleep(1000);
            Metrics next = scrape();
            if (next.applied != m.applied || next.lakeRows != m.lakeRows) {
                progressAt = System.nanoTime();
            }
            m = next;
        }
        return m;
    }

    private String body() {
        Instant now = Instant.now();
        StringBuilder b = new StringBuilder(batch * 140);
        if (batch > 1) {
            b.append('[');
        }
        for (int i = 0; i < batch; i++) {
            String[] r = rows.get(row);
            row = (row + 1) % rows.size();
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"eventId\":\"ing-").append(run).append('-').append(seq++)
                    .append("\",\"type\":\"purchase\",\"userId\":\"").append(r[0])
                    .append("\",\"itemId\":\"").append(r[1])
                    .append("\",\"timestamp\":\"").append(now).append("\"}");
        }
        if (batch > 1) {
            b.append(']');
        }
        return b.toString();
    }

    /** The average Kafka record value: the collector writes each event as the common JSON of {@link Event}. */
    private long recordBytes() throws IOException {
        long total = 0;
        int n = Math.min(rows.size(), 10_000);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            String[] r = rows.get(i);
            total += Json.mapper().writeValueAsBytes(new Event("ing-" + run + "-" + (1_000_000L + i),
                    EventType.PURCHASE, r[0], r[1], now, null, null, null)).length;
        }
        return Math.round(total / (double) n);
    }

    // ---- metrics ----

    /** The counters this benchmark reads from the worker's and the sink's /actuator/prometheus. */
    private record Metrics(long applied, long lakeRows, TreeMap<Double, Double> delay) {
        TreeMap<Double, Double> delayMinus(Metrics before) {
            TreeMap<Double, Double> d = new TreeMap<>();
            delay.forEach((le, c) -> d.put(le, c - before.delay.getOrDefault(le, 0.0)));
            return d;
        }
    }

    private Metrics scrape() throws Exception {
        double applied = 0;
        TreeMap<Double, Double> delay = new TreeMap<>();
        for (String line : get(worker).split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String labels = m.group(2) == null ? "" : m.group(2);
            if (m.group(1).equals(APPLIED) && labels.contains("outcome=\"applied\"")) {
                applied += Double.parseDouble(m.group(3));
            } else if (m.group(1).equals(DELAY)) {
                Matcher le = LE.matcher(labels);
                if (le.find()) {
                    double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                    delay.merge(bound, Double.parseDouble(m.group(3)), Double::sum);
                }
            }
        }
        double lake = 0;
        if (!sink.isEmpty()) {
            for (String line : get(sink).split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (m.find() && m.group(1).equals(SINK_ROWS)) {
                    lake += Double.parseDouble(m.group(3));
                }
            }
        }
        return new Metrics(Math.round(applied), Math.round(lake), delay);
    }

    /** The q-quantile of a cumulative histogram (upper bound -> count), linear within the bucket, in seconds. */
    static double quantile(TreeMap<Double, Double> cumulative, double q) {
        if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
            return Double.NaN;
        }
        double rank = q * cumulative.lastEntry().getValue();
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> b : cumulative.entrySet()) {
            if (b.getValue() >= rank) {
                if (b.getKey().isInfinite()) {
                    return lower;
                }
                double inBucket = b.getValue() - below;
                return inBucket <= 0 ? b.getKey() : lower + (b.getKey() - lower) * (rank - below) / inBucket;
            }
            lower = b.getKey();
            below = b.getValue();
        }
        return lower;
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** utime + stime of each process, in clock ticks (0 once it is gone). */
    private Map<String, Long> ticks() {
        Map<String, Long> t = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                t.put(name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
            } catch (IOException | RuntimeException e) {
                t.put(name, 0L);
            }
        });
        return t;
    }

    /** The machine's busy ticks (user, nice, system, irq, softirq, steal) from /proc/stat. */
    private static long machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        } catch (IOException e) {
            return 0;
        }
    }

    // ---- report ----

    private String markdown(List<Level> levels, int seconds) {
        boolean withSink = !sink.isEmpty();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n### Levels (%d s each, %s, %d events per post)%n%n", seconds,
                batch == 1 ? "single posts" : ":batch posts", batch));
        b.append("| target events/s | sent events/s | accepted (202) | not 202 | applied in Redis | rows in the lake | lost |"
                + " p95 freshness | p99 freshness | machine cores |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Level l : levels) {
            b.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,d | %,d | %,d | %s | %s | %s | %s | %.2f |%n",
                    l.target(), l.sentPerSecond(), l.accepted(), l.rejected() + l.errors(), l.applied(),
                    withSink ? String.format(Locale.ROOT, "%,d", l.lakeRows()) : "no sink", lost(l, withSink),
                    ms(l.p95()), ms(l.p99()), l.machineCores()));
        }
        b.append("\nCPU microseconds per accepted event (user + system, the level's send window and drain):\n\n| target events/s |");
        List<String> names = new ArrayList<>(levels.get(0).cpuMicrosPerEvent().keySet());
        names.forEach(n -> b.append(' ').append(n).append(" |"));
        b.append(" total |\n|---:|");
        names.forEach(n -> b.append("---:|"));
        b.append("---:|\n");
        for (Level l : levels) {
            b.append(String.format(Locale.ROOT, "| %,d |", l.target()));
            double total = 0;
            for (String n : names) {
                double v = l.cpuMicrosPerEvent().getOrDefault(n, Double.NaN);
                total += Double.isNaN(v) ? 0 : v;
                b.append(String.format(Locale.ROOT, " %.1f |", v));
            }
            b.append(String.format(Locale.ROOT, " %.1f |%n", total));
        }
        Level best = null;
        for (Level l : levels) {
            if (sustained(l, withSink)) {
                best = l;
            }
        }
        b.append(String.format(Locale.ROOT, "%nSustained: %s (highest level with every post accepted, sent >= 95 %% "
                        + "of the target, 0 lost%s and p95 freshness <= 1 s)%n",
                best == null ? "none of the levels" : String.format(Locale.ROOT, "%,d events/s", best.target()),
                withSink ? " in Redis and in the lake" : ""));
        b.append("SUSTAINED=").append(best == null ? 0 : best.target()).append('\n');
        return b.toString();
    }

    private static String lost(Level l, boolean withSink) {
        return withSink && l.lakeLost(true) != l.lost()
                ? String.format(Locale.ROOT, "%,d (lake %,d)", l.lost(), l.lakeLost(true))
                : String.format(Locale.ROOT, "%,d", l.lost());
    }

    private static boolean sustained(Level l, boolean withSink) {
        return l.accepted() > 0 && l.rejected() + l.errors() == 0 && l.sentPerSecond() >= 0.95 * l.target()
                && l.lost() == 0 && l.lakeLost(withSink) == 0 && l.p95() <= 1.0;
    }

    private static String ms(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%,.0f ms", seconds * 1000);
    }
}
