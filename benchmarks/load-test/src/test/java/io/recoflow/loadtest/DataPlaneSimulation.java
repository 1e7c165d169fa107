package io.recoflow.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The online data plane under an open workload (fixed arrival rates, so slow responses do not slow the load), as a
 * sequence of phases, each alone on the servers, with {@code phase.gap} seconds between them so that one phase's
 * backlog drains before the next starts. {@code phases} lists them as {@code name:kind:rate:seconds}, comma
 * separated; the requests of a phase are named {@code "<name> <request>"}. Kinds:
 * <ul>
 *   <li>{@code warmup}: recommend ramped from 2 % to {@code rate} over two thirds of the phase, plus ping at a
 *       quarter of it (JIT warm-up of the servers and of Gatling itself);</li>
 *   <li>{@code warmup-ping}: ping alone, ramped the same way (before a ladder of ping levels);</li>
 *   <li>{@code ping}: {@code rate} req/s of {@code GET /v1/ping}, the server's trivial endpoint;</li>
 *   <li>{@code recommend}: {@code rate} req/s of {@code GET /v1/recommendations/{customer}?k=10}, only 200 is OK;</li>
 *   <li>{@code overload}: the same, but 503 (shed by the service's admission limit) is an expected answer;</li>
 *   <li>{@code mix}: recommend at {@code rate} plus {@code shoppers} shoppers arriving over the phase, each browsing
 *       (view events), asking for recommendations, maybe adding to cart and checking out, with think times;</li>
 *   <li>{@code batch}: {@code rate} posts per second of 50 events each to the collector's batch endpoint.</li>
 * </ul>
 * A timer thread writes {@code start-<name>} and {@code end-<name>} into {@code marks.dir} when each phase's
 * injection starts and ends; run.sh snapshots every process's CPU time and the service's metrics at those marks.
 *
 * <p>System properties: collector.url, recommend.url, dataset, phases, phase.gap, shoppers, connections, marks.dir.
 */
public class DataPlaneSimulation extends Simulation {
    static final String COLLECTOR = System.getProperty("collector.url", "http://localhost:8081");
    static final String RECOMMEND = System.getProperty("recommend.url", "http://localhost:8082");
    static final int SHOPPERS = Integer.getInteger("shoppers", 10_000);
    static final int GAP = Integer.getInteger("phase.gap", 4);
    static final int BATCH = 50;
    static final Path DATASET = Path.of(System.getProperty("dataset",
            "../../../shared/datasets/online-retail/online_retail.csv.gz"));

    record Phase(String name, String kind, int rate, int seconds) {
        static Phase parse(String s) {
            String[] p = s.trim().split(":");
            if (p.length != 4 || !p[0].matches("[A-Za-z0-9@._-]+")) {
                throw new IllegalArgumentException("a phase is name:kind:rate:seconds, got " + s);
            }
            return new Phase(p[0], p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        }
    }

    static final List<Phase> PHASES = System.getProperty("phases", "warm-up:warmup:2000:20").isBlank() ? List.of()
            : java.util.Arrays.stream(System.getProperty("phases", "warm-up:warmup:2000:20").split(","))
                    .map(Phase::parse).toList();

    static final RetailData DATA;

    static {
        try {
            DATA = RetailData.load(DATASET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final List<String> USERS = List.copyOf(DATA.itemsByCustomer.keySet());

    static List<Map<String, Object>> customers() {
        List<Map<String, Object>> out = new ArrayList<>();
        DATA.itemsByCustomer.forEach((c, items) -> out.add(Map.of("userId", c, "history", items)));
        return out;
    }

    static String event(String type, String user, String item) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"userId\":\"" + user
                + "\",\"itemId\":\"" + item + "\",\"timestamp\":\"" + Instant.now() + "\"}";
    }

    /** BATCH view events of random customers for random catalogue items. */
    static String batch() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < BATCH; i++) {
            b.append(i == 0 ? "" : ",").append(event("view", USERS.get(r.nextInt(USERS.size())),
                    DATA.items.get(r.nextInt(DATA.items.size()))));
        }
        return b.append(']').toString();
    }

    /** An item the customer really bought most of the time, otherwise any catalogue item. */
    static ChainBuilder pickItem() {
        return exec(s -> {
            List<String> h = s.getList("history");
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String item = !h.isEmpty() && r.nextInt(10) < 7 ? h.get(r.nextInt(h.size())) : DATA.items.get(r.nextInt(DATA.items.size()));
            return s.set("itemId", item);
        });
    }

    static ChainBuilder post(String name, String type) {
        return exec(http(name).post(COLLECTOR + "/v1/events")
                .body(StringBody(s -> event(type, s.getString("userId"), s.getString("itemId"))))
                .asJson()
                .check(status().is(202)));
    }

    static ChainBuilder recommend(String name, boolean shedOk) {
        return exec(http(name).get(RECOMMEND + "/v1/recommendations/#{userId}?k=10")
                .check(shedOk ? status().in(200, 503) : status().is(200)));
    }

    final HttpProtocolBuilder protocol = http
            .acceptHeader("application/json")
            .contentTypeHeader("application/json")
            // a frontend or BFF keeps pooled keep-alive connections to these services
            .shareConnections()
            // Gatling's default is 6 per host (a browser's); a backend client pools more
            .maxConnectionsPerHost(Integer.getInteger("connections", 64))
            .disableCaching()
            .disableWarmUp();

    /** The scenarios of one phase, starting {@code delay} seconds into the run. */
    static List<PopulationBuilder> phase(Phase p, int delay) {
        String prefix = p.name() + " ";
        List<PopulationBuilder> load = new ArrayList<>();
        switch (p.kind()) {
            case "warmup" -> {
                load.add(recommendScenario(prefix + "recommend", false).injectOpen(rate(delay, p.seconds(), p.rate(), true)));
                load.add(ping(prefix + "ping").injectOpen(rate(delay, p.seconds(), p.rate() / 4.0, true)));
            }
            case "warmup-ping" -> load.add(ping(prefix + "ping").injectOpen(rate(delay, p.seconds(), p.rate(), true)));
            case "ping" -> load.add(ping(prefix + "ping").injectOpen(rate(delay, p.seconds(), p.rate(), false)));
            case "recommend", "overload" -> load.add(recommendScenario(prefix + "recommend", p.kind().equals("overload"))
                    .injectOpen(rate(delay, p.seconds(), p.rate(), false)));
            case "mix" -> {
                load.add(recommendScenario(prefix + "recommend", false).injectOpen(rate(delay, p.seconds(), p.rate(), false)));
                if (SHOPPERS > 0) {
                    load.add(shoppers(prefix).injectOpen(rate(delay, p.seconds(), (double) SHOPPERS / p.seconds(), false)));
                }
            }
            case "batch" -> load.add(scenario(prefix + "batch").exec(http(prefix + "batch post (" + BATCH + " events)")
                            .post(COLLECTOR + "/v1/events:batch").body(StringBody(s -> batch())).asJson()
                            .check(status().is(202)))
                    .injectOpen(rate(delay, p.seconds(), p.rate(), false)));
            default -> throw new IllegalArgumentException("unknown phase kind " + p.kind());
        }
        return load;
    }

    static ScenarioBuilder recommendScenario(String name, boolean shedOk) {
        return scenario(name).feed(listFeeder(customers()).random()).exec(recommend(name, shedOk));
    }

    static ScenarioBuilder ping(String name) {
        return scenario(name).exec(http(name).get(RECOMMEND + "/v1/ping").check(status().is(200)));
    }

    static ScenarioBuilder shoppers(String prefix) {
        return scenario(prefix + "shopper")
                .feed(listFeeder(customers()).random())
                .repeat(s -> 1 + ThreadLocalRandom.current().nextInt(3)).on(
                        pickItem(), post(prefix + "browse (view event)", "view"),
                        pause(Duration.ofMillis(500), Duration.ofSeconds(2)))
                .exec(recommend(prefix + "recommend (shopper)", false))
                .pause(Duration.ofMillis(500), Duration.ofSeconds(2))
                .randomSwitch().on(
                        percent(40.0).then(exec(pickItem(), post(prefix + "add-to-cart", "add_to_cart"),
                                pause(Duration.ofMillis(500), Duration.ofSeconds(2)),
                                randomSwitch().on(percent(50.0).then(
                                        post(prefix + "checkout (purchase event)", "purchase"))))));
    }

    /**
     * {@code perSec} arrivals per second after {@code delay} seconds, for {@code seconds}. A ramped phase (the
     * warm-up) climbs from 2 % of the rate over its first two thirds: an open model that starts at full rate against
     * cold JITs makes every queued request open its own connection (Gatling's shared pool has no cap), thousands of
     * them, which then outlive the warm-up.
     */
    static OpenInjectionStep[] rate(int delay, int seconds, double perSec, boolean ramp) {
        List<OpenInjectionStep> steps = new ArrayList<>();
        if (delay > 0) {
            steps.add(nothingFor(delay));
        }
        if (ramp && seconds >= 3) {
            steps.add(rampUsersPerSec(perSec / 50).to(perSec).during(seconds * 2 / 3));
            steps.add(constantUsersPerSec(perSec).during(seconds - seconds * 2 / 3));
        } else {
            steps.add(constantUsersPerSec(perSec).during(seconds));
        }
        return steps.toArray(new OpenInjectionStep[0]);
    }

    /** The marks written so far: {@link #after} ends a phase whose end the timer thread did not reach. */
    static final java.util.Set<String> MARKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static void mark(String name) {
        if (!MARKED.add(name)) {
            return;
        }
        String dir = System.getProperty("marks.dir");
        if (dir != null) {
            try {
                Files.writeString(Path.of(dir, name), Instant.now().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void before() {
        // the injection offsets below count from here too
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            try {
                long at = 0;
                for (Phase p : PHASES) {
                    sleepUntil(t0, at);
                    mark("start-" + p.name());
                    sleepUntil(t0, at + p.seconds());
                    mark("end-" + p.name());
                    at += p.seconds() + GAP;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "phase-marks");
        t.setDaemon(true);
        t.start();
    }

    private static void sleepUntil(long t0, long seconds) throws InterruptedException {
        long wait = t0 + seconds * 1_000_000_000L - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    @Override
    public void after() {
        // the last phase's users can all be done a moment before its scheduled end
        for (Phase p : PHASES) {
            if (MARKED.contains("start-" + p.name())) {
                mark("end-" + p.name());
            }
        }
        mark("done");
    }

    {
        List<PopulationBuilder> load = new ArrayList<>();
        int at = 0;
        for (Phase p : PHASES) {
            load.addAll(phase(p, at));
            at += p.seconds() + GAP;
        }
        // targets are judged by summarize.py per phase; Gatling's own assertions would judge the whole run
        setUp(load).protocols(protocol);
    }
}
