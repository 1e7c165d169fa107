package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.recoflow.collector.CollectorApplication;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.contract.FeatureSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * Collector and worker configured as a FeaturePipeline renders them: renamed topics (the impressions topic does not
 * exist yet, the events topic does), a renamed dead-letter topic, a Kafka client-properties file, a Redis password
 * and a features file whose caps and TTLs differ from the built-in defaults.
 */
class PipelineContractTest {
    private static final String EVENTS = "shop.events";
    private static final String IMPRESSIONS = "shop.impressions";
    private static final String DLT = "shop.events.poison";
    private static final String PASSWORD = "s3cret";
    private static final FeatureSettings FEATURES = new FeatureSettings(3, 600L, List.of(1, 3), 1, 2);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static EmbeddedKafkaKraftBroker broker;
    static int redisPort;
    static RedisServer redisServer;
    static JedisPooled redis;
    static ConfigurableApplicationContext collector;
    static ConfigurableApplicationContext worker;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 2);
        broker.afterPropertiesSet();
        broker.addTopics(new NewTopic(EVENTS, 2, (short) 1)); // as the operator would have created it
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redisServer = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("requirepass " + PASSWORD).build();
        redisServer.start();
        redis = new JedisPooled(new HostAndPort("127.0.0.1", redisPort),
                DefaultJedisClientConfig.builder().password(PASSWORD).build());
        Path kafkaProperties = Files.writeString(dir.resolve("client.properties"),
                "# rendered from the pipeline's Kafka Secret\nsecurity.protocol=PLAINTEXT\nclient.dns.lookup = use_all_dns_ips\n");
        Path features = Files.writeString(dir.resolve("features.json"), FEATURES.toJson());
        collector = CollectorApplication.start(Map.of(
                "server.port", 0,
                "recoflow.collector.bootstrap-servers", broker.getBrokersAsString(),
                "recoflow.collector.topic", EVENTS,
                "recoflow.collector.kafka-properties-file", kafkaProperties));
        Map<String, Object> w = workerProperties();
        w.put("recoflow.worker.kafka-properties-file", kafkaProperties);
        w.put("recoflow.worker.features-file", features);
        worker = WorkerApplication.start(w);
    }

    private static Map<String, Object> workerProperties() {
        Map<String, Object> w = new HashMap<>(Map.of(
                "server.port", 0,
                "recoflow.worker.bootstrap-servers", broker.getBrokersAsString(),
                "recoflow.worker.topics", EVENTS + "," + IMPRESSIONS,
                "recoflow.worker.dead-letter-topic", DLT,
                "recoflow.worker.topic-partitions", 2,
                "recoflow.worker.redis-host", "127.0.0.1",
                "recoflow.worker.redis-port", redisPort,
                "recoflow.worker.redis-password", PASSWORD));
        return w;
    }

    @AfterAll
    static void stop() throws Exception {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {collector, worker}) {
            if (c != null) {
                c.close();
            }
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
    void theFeaturesFileSetsCapsAndTtlsInRedis() {
        String u = uid("u");
        String x = uid("X");
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        List<String> events = new ArrayList<>();
        // X, A, X, B, X, C: with a co-visitation window of 1 each new item pairs with the previous one only (X)
        for (String item : List.of(x, uid("A"), x, uid("B"), x, uid("C"))) {
            events.add(event(uid("ev"), "view", u, item, hour.plusMillis(events.size())));
        }
        String last = uid("ev");
        events.add(event(last, "view", u, uid("D"), hour.plusMillis(events.size())));
        assertThat(post("[" + String.join(",", events) + "]").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> redis.exists(RedisKeys.seenEvent(last)));

        assertThat(redis.zcard(RedisKeys.recentItems(u))).isEqualTo(3); // recentItemsCap, not 50
        assertThat(redis.ttl(RedisKeys.recentItems(u))).isBetween(540L, 600L); // userTtlSeconds, not 30 days
        assertThat(redis.zcard(RedisKeys.coVisitation(x))).isEqualTo(2); // covisitCap: A, B, C paired with X
        // the hourly bucket lives the longest window (3 h) past its hour, not 8 days
        long expected = hour.getEpochSecond() + 3600 + 3 * 3600 - Instant.now().getEpochSecond();
        assertThat(redis.ttl(RedisKeys.popularityBucket(hour.getEpochSecond() / 3600)))
                .isBetween(expected - 60, expected + 1);
    }

    @Test
    void poisonGoesToTheRenamedDeadLetterTopicAndTheImpressionsTopicIsConsumed() throws Exception {
        String u = uid("u-poison");
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000),
                new StringSerializer(), new ByteArraySerializer())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> p.partitionsFor(IMPRESSIONS).size() == 2);
            p.send(new ProducerRecord<>(EVENTS, u, garbage)).get();
            // a click on the impressions topic is applied like one on the events topic
            String click = uid("ev");
            p.send(new ProducerRecord<>(IMPRESSIONS, u, event(click, "rec_click", u, uid("I"), Instant.now())
                    .getBytes(StandardCharsets.UTF_8))).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.exists(RedisKeys.seenEvent(click)));
        }
        List<ConsumerRecord<String, byte[]>> dead = await().atMost(Duration.ofSeconds(30))
                .until(() -> read(DLT, u), r -> r.size() == 1);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(new String(dead.get(0).headers().lastHeader(KafkaConfig.REASON_HEADER).value(),
                StandardCharsets.UTF_8)).startsWith("value is not an event JSON");
    }

    @Test
    void theKafkaPropertiesFileReachesTheClients() {
        Map<String, Object> consumer = worker.getBean("eventsConsumerFactory", ConsumerFactory.class)
                .getConfigurationProperties();
        assertThat(consumer).containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        assertThat(get(worker, "/actuator/health/readiness").body()).contains("\"kafka\":{\"status\":\"UP\"")
                .contains("\"redis\":{\"status\":\"UP\"");
    }

    @Test
    void refusesToStartWithInvalidFeatureSettings() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"recentItemsCap\": 0, \"covisitCap\": 99999}");
        Map<String, Object> w = workerProperties();
        w.put("recoflow.worker.features-file", bad);
        assertThatThrownBy(() -> WorkerApplication.start(w).close())
                .rootCause()
                .hasMessageContaining("features file " + bad + " is invalid")
                .hasMessageContaining("recentItemsCap must be 1..1000, got 0")
                .hasMessageContaining("covisitCap must be 1..5000, got 99999");
        w.put("recoflow.worker.features-file", dir.resolve("absent.json"));
        assertThatThrownBy(() -> WorkerApplication.start(w).close())
                .rootCause().hasMessageContaining("does not exist");
    }

    // ---- helpers ----

    private static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String event(String id, String type, String user, String item, Instant ts) {
        return "{\"eventId\":\"" + id + "\",\"type\":\"" + type + "\",\"userId\":\"" + user + "\",\"itemId\":\""
                + item + "\",\"timestamp\":\"" + ts.truncatedTo(ChronoUnit.MILLIS) + "\"}";
    }

    private static HttpResponse<String> post(String body) {
        return send(HttpRequest.newBuilder(URI.create(base(collector) + "/v1/events:batch"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) {
        return send(HttpRequest.newBuilder(URI.create(base(app) + path)).build());
    }

    private static HttpResponse<String> send(HttpRequest r) {
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static List<ConsumerRecord<String, byte[]>> read(String topic, String key) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
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
}
