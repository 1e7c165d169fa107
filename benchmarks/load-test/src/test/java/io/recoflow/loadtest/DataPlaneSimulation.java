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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The online data plane under an open workload (fixed arrival rates, so slow responses do not slow the load):
 * <ul>
 *   <li>shoppers: {@code shoppers} virtual users over the run, each browsing (view events), maybe adding to cart,
 *       asking for recommendations and sometimes checking out (purchase events), with think time between steps;</li>
 *   <li>recommend: {@code rec.rps} recommendation requests per second for Online Retail customers;</li>
 *   <li>ping: {@code ping.rps} requests per second to the recommendation service's trivial endpoint, the floor
 *       of the same server under the same load.</li>
 * </ul>
 * After the measured window, an optional capacity probe ({@code capacity.levels}, e.g. {@code 3000,4500,6000}): the
 * same server alone, first {@code /v1/ping} then {@code /v1/recommendations} at each rate for {@code capacity.seconds},
 * with a pause between levels; requests named "capacity ping @R/s" and "capacity recommend @R/s". The highest rate at
 * which an endpoint keeps its latency flat is the server's throughput on it, measured in the same run.
 *
 * <p>System properties: collector.url, recommend.url, dataset, rec.rps, ping.rps, shoppers, duration and warmup
 * (seconds), connections, marks.dir, capacity.levels, capacity.ping.levels, capacity.seconds, capacity.gap.
 */
public class DataPlaneSimulation extends Simulation {
    static final String COLLECTOR = System.getProperty("collector.url", "http://localhost:8081");
    static final String RECOMMEND = System.getProperty("recommend.url", "http://localhost:8082");
    static final int REC_RPS = Integer.getInteger("rec.rps", 2000);
    static final int PING_RPS = Integer.getInteger("ping.rps", 500);
    static final int SHOPPERS = Integer.getInteger("shoppers", 10_000);
    static final int DURATION = Integer.getInteger("duration", 60);
    /** seconds of the same load before the measured window, named "warm-up ..." in the report */
    static final int WARMUP = Integer.getInteger("warmup", 0);
    /** request rates of the capacity probe, empty for none */
    static final String CAPACITY_LEVELS = System.getProperty("capacity.levels", "");
    /** ping's own levels when they should differ (the trivial endpoint goes further), else {@code capacity.levels} */
    static final String CAPACITY_PING_LEVELS = System.getProperty("capacity.ping.levels", "").isBlank()
            ? CAPACITY_LEVELS : System.getProperty("capacity.ping.levels");
    static final int CAPACITY_SECONDS = Integer.getInteger("capacity.seconds", 8);
    /** seconds between two probe levels, so that an overloaded level's backlog drains before the next one starts */
    static final int CAPACITY_GAP = Integer.getInteger("capacity.gap", 5);
    static final Path DATASET = Path.of(System.getProperty("dataset",
            "../../../shared/datasets/online-retail/online_retail.csv.gz"));

    static final RetailData DATA;

    static {
        try {
            DATA = RetailData.load(DATASET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Map<String, Object>> customers() {
        List<Map<String, Object>> out = new ArrayList<>();
        DATA.itemsByCustomer.forEach((c, items) -> out.add(Map.of("userId", c, "history", items)));
        return out;
    }

    static String event(String type, String user, String item) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"userId\":\"" + user
                + "\",\"itemId\":\"" + item + "\",\"timestamp\":\"" + Instant.now() + "\"}";
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

    static ChainBuilder recommend(String name) {
        return exec(http(name).get(RECOMMEND + "/v1/recommendations/#{userId}?k=10")
                .check(status().is(200)));
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

    /** The three scenarios of one phase; the warm-up phase names its requests "warm-up ..." so they stay apart. */
    static List<PopulationBuilder> phase(String prefix, int delay, int seconds, boolean ramp) {
        ScenarioBuilder shoppers = scenario(prefix + "shopper")
                .feed(listFeeder(customers()).random())
                .repeat(s -> 1 + ThreadLocalRandom.current().nextInt(3)).on(
                        pickItem(), post(prefix + "browse (view event)", "view"),
                        pause(Duration.ofMillis(500), Duration.ofSeconds(2)))
                .exec(recommend(prefix + "recommend (shopper)"))
                .pause(Duration.ofMillis(500), Duration.ofSeconds(2))
                .randomSwitch().on(
                        percent(40.0).then(exec(pickItem(), post(prefix + "add-to-cart", "add_to_cart"),
                                pause(Duration.ofMillis(500), Duration.ofSeconds(2)),
                                randomSwitch().on(percent(50.0).then(
                                        post(prefix + "checkout (purchase event)", "purchase"))))));
        ScenarioBuilder recommend = scenario(prefix + "recommend")
                .feed(listFeeder(customers()).random())
                .exec(recommend(prefix + "recommend"));
        ScenarioBuilder ping = scenario(prefix + "ping")
                .exec(http(prefix + "ping (trivial endpoint)").get(RECOMMEND + "/v1/ping").check(status().is(200)));

        List<PopulationBuilder> load = new ArrayList<>();
        if (SHOPPERS > 0) {
            load.add(shoppers.injectOpen(rate(delay, seconds, (double) SHOPPERS / DURATION, ramp)));
        }
        load.add(recommend.injectOpen(rate(delay, seconds, REC_RPS, ramp)));
        if (PING_RPS > 0) {
            load.add(ping.injectOpen(rate(delay, seconds, PING_RPS, ramp)));
        }
        return load;
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

    /** The capacity probe: ping levels, then recommend levels, each alone on the server, starting at {@code delay}. */
    static List<PopulationBuilder> capacityProbe(int delay) {
        List<PopulationBuilder> out = new ArrayList<>();
        List<Map<String, Object>> customers = customers();
        int at = delay;
        for (String endpoint : List.of("ping", "recommend")) {
            for (String level : (endpoint.equals("ping") ? CAPACITY_PING_LEVELS : CAPACITY_LEVELS).split(",")) {
                if (level.isBlank()) {
                    continue;
                }
                int rps = Integer.parseInt(level.trim());
                String name = "capacity " + endpoint + " @" + rps + "/s";
                ScenarioBuilder probe = endpoint.equals("ping")
                        ? scenario(name).exec(http(name).get(RECOMMEND + "/v1/ping").check(status().is(200)))
                        : scenario(name).feed(listFeeder(customers).random()).exec(recommend(name));
                out.add(probe.injectOpen(rate(at, CAPACITY_SECONDS, rps, false)));
                at += CAPACITY_SECONDS + CAPACITY_GAP;
            }
        }
        return out;
    }

    /** run.sh reads the CPU counters of every process when these files appear. */
    static void mark(String name) {
        String dir = System.getProperty("marks.dir");
        if (dir != null) {
            try {
                java.nio.file.Files.writeString(Path.of(dir, name), Instant.now().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void before() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(WARMUP * 1000L);
                mark("measure-start");
                Thread.sleep(DURATION * 1000L);
                mark("measure-end");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "measure-mark");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void after() {
        mark("measure-end"); // in case the run ended early
        mark("done");
    }

    {
        // one JVM for warm-up and measurement, so Gatling's own JIT warm-up is not inside the measured window
        List<PopulationBuilder> load = new ArrayList<>();
        if (WARMUP > 0) {
            load.addAll(phase("warm-up ", 0, WARMUP, true));
        }
        load.addAll(phase("", WARMUP, DURATION, false));
        // the probe starts once the measured window's requests have been answered
        load.addAll(capacityProbe(WARMUP + DURATION + CAPACITY_GAP));
        setUp(load)
                .protocols(protocol)
                .assertions(
                        details("recommend").responseTime().percentile(95.0).lte(10),
                        details("recommend").failedRequests().percent().lte(1.0),
                        details("ping (trivial endpoint)").failedRequests().percent().lte(1.0));
    }
}
