package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.Json;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.Topics;
import io.recoflow.common.contract.Assigner;
import io.recoflow.common.contract.ExperimentConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * Per-variant outcome counts of an A/B experiment, through a real in-JVM KRaft broker and a real redis-server:
 * exact users, clicks and conversions in Redis and on /actuator/prometheus.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentCountingTest {
    static final String NAME = "shop/ab-1";
    static final ExperimentConfig.Experiment EXPERIMENT = new ExperimentConfig.Experiment(NAME, "s-1", 3600, List.of(
            new ExperimentConfig.Variant("control", 50, 1L), new ExperimentConfig.Variant("candidate", 50, 2L)));
    static final Assigner ASSIGNER = new Assigner(EXPERIMENT);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static Path file;
    static EmbeddedKafkaKraftBroker broker;
    static RedisServer redisServer;
    static JedisPooled redis;
    static ConfigurableApplicationContext app;
    static KafkaProducer<String, byte[]> producer;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        file = dir.resolve("experiments.yaml");
        Files.writeString(file, new ExperimentConfig(List.of(EXPERIMENT)).toJson());
        broker = new EmbeddedKafkaKraftBroker(1, 3, Topics.EVENTS, Topics.EVENTS_DLT);
        broker.afterPropertiesSet();
        int redisPort;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redisServer = new RedisServer(redisPort);
        redisServer.start();
        redis = new JedisPooled("127.0.0.1", redisPort);
        app = WorkerApplication.start(Map.of(
                "server.port", 0,
                "recoflow.worker.bootstrap-servers", broker.getBrokersAsString(),
                "recoflow.worker.redis-host", "127.0.0.1",
                "recoflow.worker.redis-port", redisPort,
                "recoflow.worker.topic-partitions", 3,
                "recoflow.worker.experiments.file", file.toString(),
                "recoflow.worker.experiments.poll-interval", "100ms",
                "recoflow.worker.experiments.refresh-interval", "200ms"));
        url = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (redisServer != null) {
            redisServer.stop();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    @Order(1)
    void countsUsersClicksAndConversionsPerVariantExactly() {
        Instant t = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        String u1 = userIn("control", "u1");
        String u2 = userIn("candidate", "u2");
        String u3 = userIn("control", "u3");
        String u4 = userIn("control", "u4");
        String u5 = userIn("candidate", "u5");
        String u6 = userIn("candidate", "u6");
        String u7 = userIn("candidate", "u7");
        List<Event> sentinels = new ArrayList<>();

        // u1 (control): 3 clicks, one of them delivered twice, and a purchase inside the window
        Event impression1 = impression(u1, t, NAME, "control", null);
        Event click1 = event(EventType.REC_CLICK, u1, t.plusSeconds(10));
        send(impression1, impression1, click1, click1, event(EventType.REC_CLICK, u1, t.plusSeconds(20)),
                event(EventType.REC_CLICK, u1, t.plusSeconds(30)), event(EventType.PURCHASE, u1, t.plusSeconds(1800)));
        // u2 (candidate): a click before its exposure, two list impressions, one click, a purchase 1 s past the window
        send(event(EventType.REC_CLICK, u2, t.minusSeconds(60)),
                impression(u2, t, NAME, "candidate", List.of("A", "B", "C")),
                impression(u2, t.plusSeconds(100), NAME, "candidate", List.of("B", "C")),
                event(EventType.REC_CLICK, u2, t.plusSeconds(200)),
                event(EventType.PURCHASE, u2, t.plusSeconds(100 + 3601)));
        // u3: exposed to another experiment only, so its click and purchase count nowhere
        send(impression(u3, t, "shop/other", "control", null), event(EventType.REC_CLICK, u3, t.plusSeconds(5)),
                event(EventType.PURCHASE, u3, t.plusSeconds(6)));
        // u4 (control): a purchase exactly at the window's end counts, a second one does not count twice
        send(impression(u4, t, NAME, "control", null), event(EventType.PURCHASE, u4, t.plusSeconds(3600)),
                event(EventType.PURCHASE, u4, t.plusSeconds(3600)));
        // u5: assigned to candidate, but the service showed it control (its copy of the file differed): the
        // exposure's variant is what counts
        send(impression(u5, t, NAME, "control", null), event(EventType.REC_CLICK, u5, t.plusSeconds(1)),
                event(EventType.REC_CLICK, u5, t.plusSeconds(2)));
        // u6: clicks and buys without ever being shown a recommendation
        send(event(EventType.REC_CLICK, u6, t), event(EventType.PURCHASE, u6, t.plusSeconds(1)));
        // u7 (candidate): its click and purchase reach the worker before the impression they followed (the service
        // publishes impressions through a queue): kept, then counted when the impression arrives
        send(event(EventType.REC_CLICK, u7, t.plusSeconds(3)), event(EventType.PURCHASE, u7, t.plusSeconds(4)),
                impression(u7, t, NAME, "candidate", null));
        for (String u : List.of(u1, u2, u3, u4, u5, u6, u7)) {
            Event s = event(EventType.VIEW, u, t.plusSeconds(7200));
            send(s);
            sentinels.add(s);
        }
        sentinels.forEach(s -> await().atMost(Duration.ofSeconds(30))
                .until(() -> redis.exists(RedisKeys.seenEvent(s.eventId()))));

        Map<String, String> expected = new HashMap<>();
        expect(expected, "control", 3, 2, 2, 3 + 2, 9 + 4); // u1, u4, u5 exposed; u1, u5 clicked; u1, u4 converted
        expect(expected, "candidate", 2, 2, 1, 2, 2); // u2, u7 exposed and clicked; u7 converted
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(redis.hgetAll(RedisKeys.experimentCounts(NAME))).isEqualTo(expected));

        assertThat(redis.hgetAll(RedisKeys.experimentVariant(NAME)))
                .isEqualTo(Map.of(u1, "control", u2, "candidate", u4, "control", u5, "control", u7, "candidate"));
        assertThat(redis.hget(RedisKeys.experimentFirst(NAME), u2)).isEqualTo(Long.toString(t.toEpochMilli()));
        assertThat(redis.hget(RedisKeys.experimentLast(NAME), u2))
                .isEqualTo(Long.toString(t.plusSeconds(100).toEpochMilli()));
        assertThat(redis.hgetAll(RedisKeys.experimentClicks(NAME)))
                .isEqualTo(Map.of(u1, "3", u2, "1", u5, "2", u7, "1"));
        assertThat(redis.hgetAll(RedisKeys.experimentConverted(NAME)).keySet()).containsExactlyInAnyOrder(u1, u4, u7);
        // u6 was never shown anything: its events wait (with a TTL) and count nowhere; u7's were replayed
        assertThat(redis.llen(RedisKeys.experimentPending(NAME, u6))).isEqualTo(2);
        assertThat(redis.ttl(RedisKeys.experimentPending(NAME, u6))).isPositive();
        assertThat(redis.exists(RedisKeys.experimentPending(NAME, u7))).isFalse();
        assertThat(redis.exists(RedisKeys.experimentSeen(NAME, click1.eventId()))).isTrue();
        assertThat(redis.ttl(RedisKeys.experimentCounts(NAME))).isBetween(RedisKeys.EXPERIMENT_TTL_SECONDS - 60,
                RedisKeys.EXPERIMENT_TTL_SECONDS);
        // the experiment's impressions reached the experiment script only: no feature marker, and not "skipped"
        assertThat(redis.exists(RedisKeys.seenEvent(impression1.eventId()))).isFalse();
        assertThat(meter("recoflow.worker.events", "outcome", "skipped", "type", "rec_impression")).isEqualTo(1); // u3's
        assertThat(meter("recoflow.worker.experiment.events", "result", "mismatch", "type", "rec_click")).isEqualTo(2);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String prom = get("/actuator/prometheus");
            for (String variant : List.of("control", "candidate")) {
                for (String outcome : List.of(RedisKeys.EXPOSED, RedisKeys.CLICKED, RedisKeys.CONVERTED)) {
                    assertThat(prom).containsPattern("recoflow_experiment_users\\{[^}]*experiment=\"shop/ab-1\","
                            + "outcome=\"" + outcome + "\",variant=\"" + variant + "\"} "
                            + expected.getOrDefault(RedisKeys.experimentCount(variant, outcome), "0") + ".0\n");
                }
                assertThat(prom).containsPattern("recoflow_experiment_clicks\\{[^}]*experiment=\"shop/ab-1\",variant=\""
                        + variant + "\"} " + expected.get(RedisKeys.experimentCount(variant, RedisKeys.CLICKS)) + ".0\n");
                assertThat(prom).containsPattern("recoflow_experiment_clicks_squared\\{[^}]*experiment=\"shop/ab-1\","
                        + "variant=\"" + variant + "\"} "
                        + expected.get(RedisKeys.experimentCount(variant, RedisKeys.CLICKS_SQUARED)) + ".0\n");
            }
        });
    }

    @Test
    @Order(2)
    void aNewExperimentInTheFileReplacesTheSeriesStartingAtZero() throws Exception {
        ExperimentConfig.Experiment next = new ExperimentConfig.Experiment("shop/ab-2", null, 60, List.of(
                new ExperimentConfig.Variant("a", 1, null), new ExperimentConfig.Variant("b", 1, null),
                new ExperimentConfig.Variant("c", 0, null)));
        Files.writeString(file, "experiments:\n  - name: shop/ab-2\n    attributionWindowSeconds: 60\n    variants:\n"
                + "      - {name: a, weight: 1}\n      - {name: b, weight: 1}\n      - {name: c, weight: 0}\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String prom = get("/actuator/prometheus");
            assertThat(prom).doesNotContain("shop/ab-1");
            for (ExperimentConfig.Variant v : next.variants()) {
                assertThat(prom).containsPattern("recoflow_experiment_users\\{[^}]*experiment=\"shop/ab-2\","
                        + "outcome=\"exposed\",variant=\"" + v.name() + "\"} 0.0\n");
                assertThat(prom).containsPattern("recoflow_experiment_clicks_squared\\{[^}]*experiment=\"shop/ab-2\","
                        + "variant=\"" + v.name() + "\"} 0.0\n");
            }
        });
        // the old experiment's data stays in Redis until its TTL: the file change only stopped counting it
        assertThat(redis.hget(RedisKeys.experimentCounts(NAME), "control:exposed")).isEqualTo("3");

        Files.delete(file);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(get("/actuator/prometheus")).doesNotContain("recoflow_experiment_users{"));
    }

    /** A batch redelivered whole (a Redis error after a partial write, a rebalance) counts nothing twice. */
    @Test
    @Order(3)
    void aRedeliveredBatchCountsNothingTwice() {
        String x = "shop/replay";
        String u = uid("u-replay");
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        List<Experiments.Write> batch = List.of(
                new Experiments.Write(x, Experiments.Kind.IMPRESSION, impression(u, t, x, "a", null), "a", 60_000),
                new Experiments.Write(x, Experiments.Kind.CLICK, event(EventType.REC_CLICK, u, t.plusSeconds(1)), "a", 60_000),
                new Experiments.Write(x, Experiments.Kind.CLICK, event(EventType.REC_CLICK, u, t.plusSeconds(2)), "a", 60_000),
                new Experiments.Write(x, Experiments.Kind.PURCHASE, event(EventType.PURCHASE, u, t.plusSeconds(59)), "a", 60_000));
        FeatureStore store = app.getBean(FeatureStore.class);
        assertThat(store.apply(List.of(), batch).experiment()).containsExactly(1L, 1L, 1L, 1L);
        assertThat(store.apply(List.of(), batch).experiment()).containsExactly(0L, 0L, 0L, 0L);
        assertThat(redis.hgetAll(RedisKeys.experimentCounts(x))).isEqualTo(Map.of(
                "a:exposed", "1", "a:clicked", "1", "a:clicks", "2", "a:clicks_squared", "4", "a:converted", "1"));
        for (String key : List.of(RedisKeys.experimentVariant(x), RedisKeys.experimentFirst(x), RedisKeys.experimentLast(x),
                RedisKeys.experimentClicks(x), RedisKeys.experimentConverted(x), RedisKeys.experimentCounts(x))) {
            assertThat(redis.ttl(key)).as(key).isGreaterThan(RedisKeys.EXPERIMENT_TTL_SECONDS - 60);
        }
        assertThat(redis.ttl(RedisKeys.experimentSeen(x, batch.get(1).event().eventId())))
                .isBetween(1L, RedisKeys.DEDUP_TTL_SECONDS);
    }

    // ---- helpers ----

    /** A user id the experiment assigns to {@code variant}. */
    static String userIn(String variant, String prefix) {
        String base = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; ; i++) {
            if (ASSIGNER.variant(base + i).name().equals(variant)) {
                return base + i;
            }
        }
    }

    static void expect(Map<String, String> m, String variant, long exposed, long clicked, long converted, long clicks,
            long squares) {
        m.put(RedisKeys.experimentCount(variant, RedisKeys.EXPOSED), Long.toString(exposed));
        m.put(RedisKeys.experimentCount(variant, RedisKeys.CLICKED), Long.toString(clicked));
        if (converted > 0) { // a counter nothing incremented is absent from the hash
            m.put(RedisKeys.experimentCount(variant, RedisKeys.CONVERTED), Long.toString(converted));
        }
        m.put(RedisKeys.experimentCount(variant, RedisKeys.CLICKS), Long.toString(clicks));
        m.put(RedisKeys.experimentCount(variant, RedisKeys.CLICKS_SQUARED), Long.toString(squares));
    }

    static Event impression(String user, Instant ts, String experiment, String variant, List<String> items) {
        return new Event(uid("imp"), EventType.REC_IMPRESSION, user, items == null ? "A" : items.get(0), ts, experiment,
                variant, "1", items);
    }

    static Event event(EventType type, String user, Instant ts) {
        return new Event(uid("ev"), type, user, "ITEM-1", ts, null, null, null);
    }

    static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** In order, each acknowledged before the next: same key, same partition, so the worker sees this order. */
    static void send(Event... events) {
        try {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, e.userId(), Json.mapper().writeValueAsBytes(e))).get();
            }
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    static double meter(String name, String... tags) {
        return app.getBean(MeterRegistry.class).find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    static String get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
