package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.Json;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.resps.Tuple;
import redis.embedded.RedisServer;

/** The worker against a real in-JVM KRaft broker and a real redis-server; the Redis outage test runs last. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FeatureWorkerTest {
    private static final String GROUP = "recoflow-feature-worker";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static EmbeddedKafkaKraftBroker broker;
    static int redisPort;
    static RedisServer redisServer;
    static ConfigurableApplicationContext app;
    static JedisPooled redis;
    static KafkaProducer<String, byte[]> producer;
    static Admin admin;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 3, Topics.EVENTS, Topics.EVENTS_DLT);
        broker.afterPropertiesSet();
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redisServer = new RedisServer(redisPort);
        redisServer.start();
        app = WorkerApplication.start(Map.of(
                "server.port", 0,
                "recoflow.worker.bootstrap-servers", broker.getBrokersAsString(),
                "recoflow.worker.redis-host", "127.0.0.1",
                "recoflow.worker.redis-port", redisPort,
                "recoflow.worker.redis-timeout", "1s",
                "recoflow.worker.retry-initial", "100ms",
                "recoflow.worker.retry-max", "500ms",
                "recoflow.worker.health-timeout", "1s",
                "recoflow.worker.topic-partitions", 3));
        url = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
        redis = new JedisPooled("127.0.0.1", redisPort);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
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
    void appliesEventsExactlyAsRedisKeysDefine() {
        String u = uid("u");
        String a = uid("A");
        String b = uid("B");
        String c = uid("C");
        String d = uid("D");
        String e = uid("E");
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
        List<Event> events = List.of(
                event(EventType.VIEW, u, a, hour.plusSeconds(60)),
                event(EventType.VIEW, u, b, hour.plusSeconds(120)),
                event(EventType.ADD_TO_CART, u, c, hour.plusSeconds(180)),
                event(EventType.PURCHASE, u, c, hour.plusSeconds(240)),
                event(EventType.VIEW, u, a, hour.plusSeconds(300)),
                event(EventType.REC_IMPRESSION, u, d, hour.plusSeconds(360)),
                event(EventType.REC_CLICK, u, e, hour.plusSeconds(420)));
        events.forEach(FeatureWorkerTest::send);

        awaitApplied(events.get(events.size() - 1));

        List<Tuple> recent = redis.zrevrangeWithScores(RedisKeys.recentItems(u), 0, -1);
        assertThat(recent).extracting(Tuple::getElement).containsExactly(e, a, c, b);
        assertThat(recent).extracting(Tuple::getScore).containsExactly(
                (double) hour.plusSeconds(420).toEpochMilli(), (double) hour.plusSeconds(300).toEpochMilli(),
                (double) hour.plusSeconds(240).toEpochMilli(), (double) hour.plusSeconds(120).toEpochMilli());
        assertThat(redis.ttl(RedisKeys.recentItems(u))).isBetween(RedisKeys.USER_TTL_SECONDS - 60,
                RedisKeys.USER_TTL_SECONDS);

        assertThat(redis.smembers(RedisKeys.purchased(u))).containsExactly(c);
        assertThat(redis.hgetAll(RedisKeys.purchaseCounts(u))).isEqualTo(Map.of(c, "1"));
        assertThat(redis.ttl(RedisKeys.purchaseCounts(u))).isPositive();
        assertThat(redis.ttl(RedisKeys.purchased(u))).isPositive();

        String bucket = RedisKeys.popularityBucket(hour.toEpochMilli() / 3_600_000L);
        assertThat(redis.zscore(bucket, a)).isEqualTo(2.0); // view + view
        assertThat(redis.zscore(bucket, b)).isEqualTo(1.0);
        assertThat(redis.zscore(bucket, c)).isEqualTo(8.0); // add_to_cart 3 + purchase 5
        assertThat(redis.zscore(bucket, e)).isEqualTo(1.0); // rec_click
        assertThat(redis.zscore(bucket, d)).isNull(); // impressions are not popularity
        long expectedTtl = hour.getEpochSecond() + 3600 + RedisKeys.POPULARITY_BUCKET_TTL_SECONDS
                - Instant.now().getEpochSecond(); // EXPIREAT end of the bucket's hour + TTL
        assertThat(redis.ttl(bucket)).isBetween(expectedTtl - 30, expectedTtl + 1);

        assertThat(covis(a)).isEqualTo(Map.of(b, 2.0, c, 3.0, e, 1.0));
        assertThat(covis(b)).isEqualTo(Map.of(a, 2.0, c, 2.0, e, 1.0));
        assertThat(covis(c)).isEqualTo(Map.of(a, 3.0, b, 2.0, e, 1.0));
        assertThat(covis(e)).isEqualTo(Map.of(a, 1.0, b, 1.0, c, 1.0));
        assertThat(redis.exists(RedisKeys.coVisitation(d))).isFalse();

        for (Event ev : events) {
            if (ev.type() == EventType.REC_IMPRESSION) {
                // changes no feature: consumed and counted, but never sent to Redis
                assertThat(redis.exists(RedisKeys.seenEvent(ev.eventId()))).isFalse();
            } else {
                assertThat(redis.ttl(RedisKeys.seenEvent(ev.eventId()))).isBetween(1L, RedisKeys.DEDUP_TTL_SECONDS);
            }
        }
        assertThat(meter("recoflow.worker.events", "outcome", "skipped", "type", "rec_impression"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(Long.parseLong(redis.hget(RedisKeys.FRESHNESS, "lastEventAt")))
                .isGreaterThanOrEqualTo(hour.plusSeconds(420).toEpochMilli());
        assertThat(redis.hget(RedisKeys.FRESHNESS, "lastAppliedAt")).isNotNull();
    }

    @Test
    @Order(2)
    void capsRecentItemsAndCoVisitation() {
        String u = uid("u-cap");
        String x = uid("X");
        Instant t = Instant.now().minus(3, ChronoUnit.HOURS);
        List<Event> events = new ArrayList<>();
        // X re-viewed after each new item: X stays among the newest, so it pairs with 210 distinct items
        for (int k = 0; k < 210; k++) {
            events.add(event(EventType.VIEW, u, x + "-" + k, t.plusMillis(2L * k)));
            events.add(event(EventType.VIEW, u, x, t.plusMillis(2L * k + 1)));
        }
        sendAll(events);

        awaitApplied(events.get(events.size() - 1));

        List<String> recent = redis.zrevrange(RedisKeys.recentItems(u), 0, -1);
        assertThat(recent).hasSize(RedisKeys.RECENT_ITEMS_CAP);
        assertThat(recent.get(0)).isEqualTo(x);
        assertThat(recent).contains(x + "-209", x + "-161").doesNotContain(x + "-160", x + "-0");
        assertThat(redis.zcard(RedisKeys.coVisitation(x))).isEqualTo(RedisKeys.COVISIT_CAP);
    }

    @Test
    @Order(3)
    void appliesARedeliveredEventIdOnlyOnce() {
        String u = uid("u-dup");
        String p = uid("P");
        Event purchase = event(EventType.PURCHASE, u, p, Instant.now().minusSeconds(30));
        send(purchase);
        send(purchase);
        send(new Event(purchase.eventId(), EventType.PURCHASE, u, p, purchase.timestamp().plusSeconds(1), null, null,
                null)); // same id, different payload: still the same event
        Event sentinel = event(EventType.VIEW, u, uid("Q"), Instant.now().minusSeconds(10));
        send(sentinel);

        awaitApplied(sentinel);

        String bucket = RedisKeys.popularityBucket(purchase.timestamp().toEpochMilli() / 3_600_000L);
        assertThat(redis.zscore(bucket, p)).isEqualTo(5.0);
        assertThat(redis.zscore(RedisKeys.recentItems(u), p)).isEqualTo(purchase.timestamp().toEpochMilli());
        assertThat(redis.hget(RedisKeys.purchaseCounts(u), p)).isEqualTo("1"); // counted once, not three times
        // a second, distinct purchase of the same item counts
        Event again = event(EventType.PURCHASE, u, p, Instant.now().minusSeconds(5));
        send(again);
        awaitApplied(again);
        assertThat(redis.hget(RedisKeys.purchaseCounts(u), p)).isEqualTo("2");
        assertThat(meter("recoflow.worker.events", "outcome", "duplicate")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(4)
    void sendsPoisonToTheDltAndKeepsTheSamePartitionMoving() throws Exception {
        String u = uid("u-poison");
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        byte[] invalid = ("{\"eventId\":\"" + uid("ev") + "\",\"type\":\"view\",\"userId\":\"" + u
                + "\",\"timestamp\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
        RecordMetadata first = sendRaw(u, garbage);
        sendRaw(u, invalid);
        Event good = event(EventType.VIEW, u, uid("Z"), Instant.now().minusSeconds(5));
        RecordMetadata last = send(good);

        awaitApplied(good);

        assertThat(first.partition()).isEqualTo(last.partition());
        List<ConsumerRecord<String, byte[]>> dlt = await().atMost(Duration.ofSeconds(30))
                .until(() -> readDlt(u), r -> r.size() == 2);
        assertThat(dlt.get(0).value()).isEqualTo(garbage);
        assertThat(dlt.get(1).value()).isEqualTo(invalid);
        assertThat(header(dlt.get(0), KafkaConfig.REASON_HEADER)).startsWith("value is not an event JSON");
        assertThat(header(dlt.get(1), KafkaConfig.REASON_HEADER)).isEqualTo("invalid event: itemId is required");
        assertThat(header(dlt.get(1), "kafka_dlt-original-topic")).isEqualTo(Topics.EVENTS);
        assertThat(header(dlt.get(1), "kafka_dlt-exception-message")).contains("itemId is required");
        TopicPartition tp = new TopicPartition(Topics.EVENTS, last.partition());
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(tp) == last.offset() + 1);
    }

    @Test
    @Order(5)
    void exposesReadinessLagAndFreshness() {
        send(event(EventType.VIEW, uid("u-m"), uid("M"), Instant.now()));
        HttpResponse<String> ready = get("/actuator/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"kafka\":{\"status\":\"UP\"").contains("\"redis\":{\"status\":\"UP\"");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
                .contains("recoflow_worker_consumer_lag{")
                .contains("recoflow_worker_freshness_seconds{")
                .contains("recoflow_worker_event_delay_seconds_bucket{")
                .contains("recoflow_worker_batch_write_seconds_bucket{")
                .contains("recoflow_worker_events_total{")
                .contains("kafka_consumer_fetch_manager_records_lag_max{"));
    }

    /** Runs last: it replaces the Redis server (an in-memory restart loses the earlier features). */
    @Test
    @Order(6)
    void retriesWhileRedisIsDownWithoutCommittingThenAppliesEverything() throws Exception {
        String u = uid("u-redis");
        redisServer.stop();
        double failuresBefore = meter("recoflow.worker.redis.failures");
        String r2 = uid("R2");
        List<Event> events = List.of(
                event(EventType.VIEW, u, uid("R1"), Instant.now().minusSeconds(3)),
                event(EventType.ADD_TO_CART, u, r2, Instant.now().minusSeconds(2)),
                event(EventType.PURCHASE, u, r2, Instant.now().minusSeconds(1)));
        RecordMetadata firstMd = send(events.get(0));
        RecordMetadata lastMd = null;
        for (Event e : events.subList(1, events.size())) {
            lastMd = send(e);
        }
        TopicPartition tp = new TopicPartition(Topics.EVENTS, firstMd.partition());

        await().atMost(Duration.ofSeconds(30)).until(() -> meter("recoflow.worker.redis.failures") >= failuresBefore + 2);
        assertThat(committed(tp)).isLessThanOrEqualTo(firstMd.offset());
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/health/readiness").statusCode() == 503);

        redisServer = new RedisServer(redisPort);
        redisServer.start();
        redis.close(); // the test's own pooled connections died with the old server
        redis = new JedisPooled("127.0.0.1", redisPort);

        long end = lastMd.offset() + 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(tp) == end);
        assertThat(redis.zrevrange(RedisKeys.recentItems(u), 0, -1))
                .containsExactly(events.get(2).itemId(), events.get(0).itemId());
        assertThat(redis.smembers(RedisKeys.purchased(u))).containsExactly(events.get(2).itemId());
        String bucket = RedisKeys.popularityBucket(events.get(2).timestamp().toEpochMilli() / 3_600_000L);
        String bucket0 = RedisKeys.popularityBucket(events.get(0).timestamp().toEpochMilli() / 3_600_000L);
        assertThat(redis.zscore(bucket, r2)).isEqualTo(8.0);
        assertThat(redis.zscore(bucket0, events.get(0).itemId())).isEqualTo(1.0);
        assertThat(redis.zscore(RedisKeys.coVisitation(r2), events.get(0).itemId())).isEqualTo(2.0);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
    }

    // ---- helpers ----

    private static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Event event(EventType type, String user, String item, Instant ts) {
        return new Event(uid("ev"), type, user, item, ts.truncatedTo(ChronoUnit.MILLIS), null, null, null);
    }

    private static RecordMetadata send(Event e) {
        try {
            return sendRaw(e.userId(), Json.mapper().writeValueAsBytes(e));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Without waiting for each ack: same key, so the order on the partition is the list's order. */
    private static void sendAll(List<Event> events) {
        try {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, e.userId(), Json.mapper().writeValueAsBytes(e)));
            }
            producer.flush();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static RecordMetadata sendRaw(String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(Topics.EVENTS, key, value)).get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void awaitApplied(Event e) {
        await().atMost(Duration.ofSeconds(30)).until(() -> redis.exists(RedisKeys.seenEvent(e.eventId())));
    }

    private static Map<String, Double> covis(String item) {
        Map<String, Double> m = new HashMap<>();
        redis.zrangeWithScores(RedisKeys.coVisitation(item), 0, -1).forEach(t -> m.put(t.getElement(), t.getScore()));
        return m;
    }

    private static long committed(TopicPartition tp) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata o = offsets.get(tp);
        return o == null ? -1 : o.offset();
    }

    private static double meter(String name, String... tags) {
        MeterRegistry r = app.getBean(MeterRegistry.class);
        return r.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static List<ConsumerRecord<String, byte[]>> readDlt(String key) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.EVENTS_DLT).stream()
                    .map(p -> new TopicPartition(Topics.EVENTS_DLT, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        out.add(r);
                    }
                }
            }
            return out;
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
