package io.recoflow.collector;

import static io.recoflow.collector.CollectorTestSupport.base;
import static io.recoflow.collector.CollectorTestSupport.event;
import static io.recoflow.collector.CollectorTestSupport.get;
import static io.recoflow.collector.CollectorTestSupport.json;
import static io.recoflow.collector.CollectorTestSupport.newId;
import static io.recoflow.collector.CollectorTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.Json;
import io.recoflow.common.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The collector against a real in-JVM KRaft broker. The broker advertises a {@link TcpProxy}, so the outage test
 * can take Kafka away from the running collector and give it back.
 */
class EventCollectorTest {
    private static final int MAX_BODY = 64 * 1024;

    static TcpProxy proxy;
    static EmbeddedKafkaKraftBroker broker;
    static ConfigurableApplicationContext app;
    static TopicReader topic;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        proxy = new TcpProxy();
        broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.brokerProperty("advertised.listeners", "EXTERNAL://127.0.0.1:" + proxy.port());
        broker.afterPropertiesSet();
        String bootstrap = broker.getBrokersAsString();
        proxy.target(Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
        proxy.open();
        app = CollectorApplication.start(Map.of(
                "server.port", 0,
                "recoflow.collector.bootstrap-servers", bootstrap,
                "recoflow.collector.topic-partitions", 3,
                "recoflow.collector.max-body-bytes", MAX_BODY,
                "recoflow.collector.delivery-timeout", "3s",
                "recoflow.collector.request-timeout", "1s",
                "recoflow.collector.max-block", "1s",
                "recoflow.collector.health-timeout", "1s"));
        url = base(app);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get(url + "/actuator/health/readiness").statusCode() == 200);
        topic = new TopicReader(bootstrap, Topics.EVENTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (topic != null) {
            topic.close();
        }
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.destroy();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void acceptsOneEventOnlyOnceItIsOnTheTopicKeyedByUser() {
        String id = newId();
        HttpResponse<String> r = post(url + "/v1/events", event(id, "add_to_cart", "17850", "85123A"));

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(json(r.body()).path("accepted").asInt()).isEqualTo(1);
        ConsumerRecord<String, String> rec = awaitOnTopic(Set.of(id)).get(id);
        assertThat(rec.key()).isEqualTo("17850");
        Event e = read(rec.value());
        assertThat(e.type()).isEqualTo(EventType.ADD_TO_CART);
        assertThat(e.userId()).isEqualTo("17850");
        assertThat(e.itemId()).isEqualTo("85123A");
    }

    @Test
    void acceptsBatchesOnBothPaths() {
        List<String> ids = IntStream.range(0, 5).mapToObj(i -> newId()).toList();
        String first = "[" + event(ids.get(0), "view", "u-b1", "i1") + "," + event(ids.get(1), "purchase", "u-b2", "i2")
                + "," + event(ids.get(2), "rec_impression", "u-b1", "i3") + "]";
        String second = "[" + event(ids.get(3), "rec_click", "u-b3", "i4") + "," + event(ids.get(4), "view", "u-b3", "i5")
                + "]";

        HttpResponse<String> r1 = post(url + "/v1/events:batch", first);
        HttpResponse<String> r2 = post(url + "/v1/events/batch", second);

        assertThat(r1.statusCode()).isEqualTo(202);
        assertThat(json(r1.body()).path("accepted").asInt()).isEqualTo(3);
        assertThat(r2.statusCode()).isEqualTo(202);
        Map<String, ConsumerRecord<String, String>> seen = awaitOnTopic(Set.copyOf(ids));
        assertThat(seen.get(ids.get(1)).key()).isEqualTo("u-b2");
        assertThat(seen.get(ids.get(3)).key()).isEqualTo("u-b3");
    }

    @Test
    void acceptsAListImpressionAndRejectsItemsOnOtherTypes() {
        String id = newId();
        String shown = "{\"eventId\":\"" + id + "\",\"type\":\"rec_impression\",\"userId\":\"17850\","
                + "\"itemId\":\"85123A\",\"items\":[\"85123A\",\"22423\",47566],\"modelVersion\":\"7\","
                + "\"timestamp\":\"" + Instant.now() + "\"}";
        assertThat(post(url + "/v1/events", shown).statusCode()).isEqualTo(202);
        Event e = read(awaitOnTopic(Set.of(id)).get(id).value());
        assertThat(e.items()).containsExactly("85123A", "22423", "47566");

        String view = "{\"eventId\":\"" + newId() + "\",\"type\":\"view\",\"userId\":\"u\",\"itemId\":\"A\","
                + "\"items\":[\"A\"],\"timestamp\":\"" + Instant.now() + "\"}";
        assertThat(errors(json(post(url + "/v1/events", view).body())))
                .containsExactly("items is only allowed on rec_impression");
        String notArray = view.replace("\"items\":[\"A\"]", "\"items\":\"A\"");
        assertThat(errors(json(post(url + "/v1/events", notArray).body())))
                .containsExactly("items must be an array of item ids");
    }

    @Test
    void rejectsAnInvalidEventNamingEveryReason() {
        String body = "{\"eventId\":\"e 1\",\"type\":\"like\",\"itemId\":\"i1\",\"timestamp\":\"yesterday\","
                + "\"colour\":\"red\",\"variant\":\"" + "v".repeat(70) + "\"}";

        HttpResponse<String> r = post(url + "/v1/events", body);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode p = json(r.body());
        assertThat(p.path("status").asInt()).isEqualTo(400);
        assertThat(errors(p)).containsExactlyInAnyOrder(
                "colour is not a known field",
                "eventId has characters outside [A-Za-z0-9._:@/-]",
                "userId is required",
                "type 'like' is unknown (one of view, add_to_cart, purchase, rec_impression, rec_click)",
                "timestamp 'yesterday' is not ISO-8601 (e.g. 2011-12-09T12:50:00Z) or epoch milliseconds",
                "variant must be at most 64 characters of [A-Za-z0-9._:@/-]");
    }

    @Test
    void rejectsMissingFieldsFutureTimestampsAndWrongShapes() {
        JsonNode missing = json(post(url + "/v1/events", "{}").body());
        assertThat(errors(missing)).containsExactlyInAnyOrder("eventId is required", "userId is required",
                "itemId is required", "type is required (one of view, add_to_cart, purchase, rec_impression, rec_click)",
                "timestamp is required (ISO-8601)");

        String future = "{\"eventId\":\"e1\",\"type\":\"view\",\"userId\":\"u\",\"itemId\":\"i\","
                + "\"timestamp\":\"2999-01-01T00:00:00Z\"}";
        assertThat(errors(json(post(url + "/v1/events", future).body())))
                .containsExactly("timestamp is more than 1h in the future");

        HttpResponse<String> array = post(url + "/v1/events", "[" + event(newId(), "view", "u", "i") + "]");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(errors(json(array.body()))).singleElement().asString().contains("/v1/events:batch");

        HttpResponse<String> object = post(url + "/v1/events:batch", event(newId(), "view", "u", "i"));
        assertThat(errors(json(object.body()))).containsExactly("body must be a JSON array of events");
        assertThat(errors(json(post(url + "/v1/events:batch", "[]").body())))
                .containsExactly("batch must contain at least one event");
    }

    @Test
    void rejectsMalformedJson() {
        HttpResponse<String> r = post(url + "/v1/events", "{\"eventId\": \"e1\", \"type\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errors(json(r.body()))).singleElement().asString().startsWith("body is not valid JSON (line 1");

        HttpResponse<String> dup = post(url + "/v1/events", "{\"userId\":\"a\",\"userId\":\"b\"}");
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(errors(json(post(url + "/v1/events", "").body()))).containsExactly("body is empty");
    }

    @Test
    void rejectsABatchWithOneBadEventAndPublishesNoneOfIt() {
        String good = newId();
        String body = "[" + event(good, "view", "u-all-or-nothing", "i1") + ",{\"eventId\":\"x\",\"type\":\"view\"}]";

        HttpResponse<String> r = post(url + "/v1/events:batch", body);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errors(json(r.body()))).containsExactlyInAnyOrder("events[1].userId is required",
                "events[1].itemId is required", "events[1].timestamp is required (ISO-8601)");
        // Same key, same partition: once the sentinel is visible, the rejected event would be too.
        String sentinel = newId();
        assertThat(post(url + "/v1/events", event(sentinel, "view", "u-all-or-nothing", "i2")).statusCode())
                .isEqualTo(202);
        assertThat(awaitOnTopic(Set.of(sentinel))).doesNotContainKey(good);
    }

    @Test
    void rejectsTooManyEventsAndTooLargeBodies() {
        String tooMany = IntStream.range(0, 501).mapToObj(i -> event(newId(), "view", "u", "i"))
                .collect(Collectors.joining(",", "[", "]"));
        // 501 events exceed 64 KiB as well, so check the count limit with a body below the size limit
        String many = IntStream.range(0, 501).mapToObj(i -> "{}").collect(Collectors.joining(",", "[", "]"));

        HttpResponse<String> count = post(url + "/v1/events:batch", many);
        assertThat(count.statusCode()).isEqualTo(400);
        assertThat(errors(json(count.body()))).containsExactly("batch has 501 events; at most 500 are allowed");

        HttpResponse<String> size = post(url + "/v1/events:batch", tooMany);
        assertThat(size.statusCode()).isEqualTo(413);
        assertThat(errors(json(size.body()))).containsExactly("body is larger than " + MAX_BODY + " bytes");
    }

    @Test
    void exposesReadinessAndPrometheusMetrics() {
        assertThat(post(url + "/v1/events", event(newId(), "view", "u-metrics", "i1")).statusCode()).isEqualTo(202);

        HttpResponse<String> ready = get(url + "/actuator/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready.body()).path("components").path("kafka").path("status").asText()).isEqualTo("UP");
        assertThat(get(url + "/actuator/health/liveness").statusCode()).isEqualTo(200);

        String prom = get(url + "/actuator/prometheus").body();
        assertThat(prom).contains("recoflow_collector_requests_seconds_bucket{")
                .contains("recoflow_collector_kafka_ack_seconds_bucket{")
                .contains("recoflow_collector_events_total{")
                .contains("http_server_requests_seconds_bucket{")
                .contains("kafka_producer_record_send_total{");
    }

    /**
     * Posts continuously from two clients while Kafka is cut away and given back: the cut yields 503 with
     * Retry-After and readiness DOWN, and every event that got 202 is on the topic afterwards.
     */
    @Test
    void neverLosesAnAcknowledgedEventWhenKafkaGoesAwayAndComesBack() throws Exception {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> posters = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String user = "u-outage-" + t;
            Thread th = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    String a = newId();
                    String b = newId();
                    String body = "[" + event(a, "view", user, "i" + n++) + "," + event(b, "purchase", user, "i" + n++)
                            + "]";
                    HttpResponse<String> r = post(url + "/v1/events:batch", body);
                    if (r.statusCode() == 202) {
                        accepted.add(a);
                        accepted.add(b);
                    } else if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
                        unavailable.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                    }
                }
            });
            th.start();
            posters.add(th);
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() >= 20);
            proxy.cut();
            await().atMost(Duration.ofSeconds(20)).until(() -> unavailable.get() >= 2);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> get(url + "/actuator/health/readiness").statusCode() == 503);
            int before = accepted.size();
            proxy.open();
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= before + 20);
        } finally {
            running.set(false);
            for (Thread th : posters) {
                th.join(30_000);
            }
        }

        assertThat(other.get()).isZero();
        awaitOnTopic(accepted);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(url + "/actuator/health/readiness").statusCode() == 200);
    }

    private static Map<String, ConsumerRecord<String, String>> awaitOnTopic(Set<String> ids) {
        return await().atMost(Duration.ofSeconds(30)).until(topic::poll, seen -> seen.keySet().containsAll(ids));
    }

    private static List<String> errors(JsonNode problem) {
        List<String> out = new ArrayList<>();
        problem.path("errors").forEach(e -> out.add(e.asText()));
        return out;
    }

    private static Event read(String json) {
        try {
            return Json.mapper().readValue(json, Event.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
