package io.recoflow.lakesink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.recoflow.common.Csv;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The sink against real storage APIs: S3Mock (its own JVM) and Azurite (node), with an in-JVM KRaft broker and
 * real Online Retail rows. Each test has its own topic, group and prefix, and its own sink.
 */
class LakeSinkTest {
    private static final String BUCKET = "lake";
    private static final String CONTAINER = "lake";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;
    static EmbeddedKafkaKraftBroker broker;
    static S3MockProcess s3mock;
    static AzuriteProcess azurite;
    static Lake lake;
    static KafkaProducer<String, byte[]> producer;
    static Admin admin;
    static List<Event> retail;

    @BeforeAll
    static void start() throws Exception {
        // S3Mock accepts any signature; the sink's S3 client takes credentials from the default chain
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        broker = new EmbeddedKafkaKraftBroker(1, 2);
        broker.afterPropertiesSet();
        azurite = new AzuriteProcess(tmp.resolve("azurite")).start();
        s3mock = S3MockProcess.start(tmp.resolve("s3mock"));
        lake = new Lake(s3mock.endpoint(), BUCKET, azurite.connectionString(), CONTAINER, tmp);
        lake.create();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
        retail = retail(Path.of(System.getProperty("recoflow.dataset.dir", "../../../shared/datasets/online-retail"),
                "online_retail_sample.csv.gz"), 5000);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {producer, admin, s3mock, azurite}) {
            if (c != null) {
                c.close();
            }
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    void everyEventLandsOnceOnBothTargetsPartitionedByEventDate() throws Exception {
        String name = "once";
        topic(name, 2);
        List<Event> events = new ArrayList<>(events(name, 2000));
        Event impression = new Event(name + "-imp", EventType.REC_IMPRESSION, "12583", "22728",
                Instant.parse("2010-12-03T10:00:00Z"), "exp", "b", "v3", List.of("22728", "22727", "22726"));
        events.add(impression);
        try (ConfigurableApplicationContext app = sink(name, Map.of())) {
            send(name, events.subList(0, 1000));
            producer.send(new ProducerRecord<>(name, "12583", "not an event".getBytes(StandardCharsets.UTF_8)));
            send(name, events.subList(1000, events.size()));
            awaitCommittedToEnd(name);

            for (Map<String, byte[]> objects : List.of(lake.s3Objects(name), lake.azureObjects(name))) {
                List<Lake.Row> rows = lake.rows(objects);
                assertExactlyOnce(rows, events);
                assertPartitionedByDate(rows);
                assertThat(rows.stream().filter(r -> r.eventId().equals(impression.eventId())).findFirst().get()
                        .items()).containsExactly("22728", "22727", "22726");
                assertThat(rows.stream().map(r -> dateOf(r)).distinct().count()).isGreaterThan(3);
            }
            assertThat(lake.s3Objects(name).keySet()).isEqualTo(lake.azureObjects(name).keySet());

            String prometheus = get(app, "/actuator/prometheus").body();
            assertThat(counter(prometheus, "recoflow_sink_rows_total", "s3")).isEqualTo(events.size());
            assertThat(counter(prometheus, "recoflow_sink_rows_total", "azure")).isEqualTo(events.size());
            assertThat(counter(prometheus, "recoflow_sink_files_total", "s3")).isPositive();
            assertThat(counter(prometheus, "recoflow_sink_bytes_total", "azure")).isPositive();
            assertThat(prometheus).contains("recoflow_sink_consumer_lag{").contains("recoflow_sink_flush_seconds_count")
                    .contains("recoflow_sink_skipped_total");
            assertThat(get(app, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        }
    }

    /**
     * The first sink dies after two uploads, before its commit, having cut one large flush; the second cuts far
     * smaller flushes by its own settings. Without the manifest's forced cut, the first attempt's objects would
     * stay beside the replay's and hold the same rows twice.
     */
    @Test
    void aCrashBetweenUploadAndCommitReplaysIntoTheSameObjects() throws Exception {
        String name = "crash";
        topic(name, 2);
        List<Event> events = events(name, 3000);
        send(name, events);
        Set<String> firstAttempt;
        try (ConfigurableApplicationContext app = sink(name, Map.of("recoflow.sink.crash-after-uploads", 2,
                "recoflow.sink.flush-interval", "3s"))) {
            SinkLoop loop = app.getBean(SinkLoop.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> !loop.isRunning());
            firstAttempt = lake.s3Objects(name).keySet().stream().filter(k -> k.endsWith(".parquet"))
                    .collect(Collectors.toSet());
            assertThat(firstAttempt).hasSize(2);
            assertThat(committed(name).values().stream().mapToLong(Long::longValue).sum())
                    .isLessThan(events.size());
        }
        try (ConfigurableApplicationContext app = sink(name, Map.of("recoflow.sink.flush-bytes", "1KB",
                "recoflow.sink.max-poll-records", 100))) {
            awaitCommittedToEnd(name);
            Map<String, byte[]> s3 = lake.s3Objects(name);
            assertThat(s3.keySet()).containsAll(firstAttempt);
            for (Map<String, byte[]> objects : List.of(s3, lake.azureObjects(name))) {
                List<Lake.Row> rows = lake.rows(objects);
                assertExactlyOnce(rows, events);
                assertPartitionedByDate(rows);
            }
        }
    }

    @Test
    void aTargetOutageCommitsNothingAndRecoversAfterTheRestart() throws Exception {
        String name = "outage";
        topic(name, 1);
        List<Event> events = events(name, 500);
        try (ConfigurableApplicationContext app = sink(name, Map.of())) {
            send(name, events.subList(0, 200));
            awaitCommittedToEnd(name);
            azurite.stop();
            send(name, events.subList(200, 500));
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    counter(get(app, "/actuator/prometheus").body(), "recoflow_sink_failures_total", "azure") >= 2);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> committed(name).get(new TopicPartition(name, 0)) == 200L);
            assertThat(get(app, "/actuator/health/readiness").statusCode()).isEqualTo(503);

            azurite.start();
            awaitCommittedToEnd(name);
            for (Map<String, byte[]> objects : List.of(lake.s3Objects(name), lake.azureObjects(name))) {
                assertExactlyOnce(lake.rows(objects), events);
            }
            String prometheus = get(app, "/actuator/prometheus").body();
            // S3 got each object once; only Azure's writes were retried
            assertThat(counter(prometheus, "recoflow_sink_rows_total", "s3")).isEqualTo(500);
            assertThat(counter(prometheus, "recoflow_sink_rows_total", "azure")).isEqualTo(500);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> get(app, "/actuator/health/readiness").statusCode() == 200);
        }
    }

    private static ConfigurableApplicationContext sink(String name, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(Map.of(
                "server.port", 0,
                "recoflow.sink.bootstrap-servers", broker.getBrokersAsString(),
                "recoflow.sink.group-id", "sink-" + name,
                "recoflow.sink.topics", name,
                "recoflow.sink.targets", "s3://" + BUCKET + "/" + name + ",abfss://" + CONTAINER + "@"
                        + AzuriteProcess.ACCOUNT + ".dfs.core.windows.net/" + name,
                "recoflow.sink.s3-endpoint", s3mock.endpoint(),
                "recoflow.sink.azure-connection-string", azurite.connectionString(),
                "recoflow.sink.flush-interval", "500ms",
                "recoflow.sink.retry-initial", "100ms"));
        p.put("recoflow.sink.retry-max", "1s");
        p.put("recoflow.sink.health-timeout", "1s");
        p.putAll(extra);
        return SinkApplication.start(p);
    }

    private static void assertExactlyOnce(List<Lake.Row> rows, List<Event> events) {
        List<String> ids = rows.stream().map(Lake.Row::eventId).sorted().toList();
        assertThat(ids).isEqualTo(events.stream().map(Event::eventId).sorted().toList());
        Map<String, Event> byId = events.stream().collect(Collectors.toMap(Event::eventId, e -> e));
        for (Lake.Row r : rows) {
            Event e = byId.get(r.eventId());
            assertThat(r.userId()).isEqualTo(e.userId());
            assertThat(r.itemId()).isEqualTo(e.itemId());
            assertThat(r.type()).isEqualTo(e.type().wireName());
            assertThat(r.timestampMicros()).isEqualTo(e.timestamp().toEpochMilli() * 1000);
        }
    }

    /** Each row sits under its event's UTC date, in an object named after its partition and a first offset. */
    private static void assertPartitionedByDate(List<Lake.Row> rows) {
        for (Lake.Row r : rows) {
            assertThat(r.key()).startsWith("event_date=" + dateOf(r) + "/" + r.topic() + "-" + r.partition() + "-");
            long start = Long.parseLong(r.key().replaceAll(".*-(\\d+)\\.parquet$", "$1"));
            assertThat(r.offset()).isGreaterThanOrEqualTo(start);
        }
    }

    private static LocalDate dateOf(Lake.Row r) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(r.timestampMicros() / 1000), ZoneOffset.UTC);
    }

    private static void topic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    private static void send(String topic, List<Event> events) throws Exception {
        for (Event e : events) {
            producer.send(new ProducerRecord<>(topic, e.userId(), Json.mapper().writeValueAsBytes(e)));
        }
        producer.flush();
    }

    private static Map<TopicPartition, Long> committed(String name) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets("sink-" + name)
                .partitionsToOffsetAndMetadata().get();
        c.forEach((tp, o) -> out.put(tp, o == null ? 0 : o.offset()));
        return out;
    }

    private static void awaitCommittedToEnd(String name) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions()
                    .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, o) -> ends.put(tp, o.offset()));
            Map<TopicPartition, Long> committed = committed(name);
            ends.forEach((tp, end) -> {
                if (end > 0) {
                    assertThat(committed.get(tp)).as("committed offset of %s", tp).isEqualTo(end);
                }
            });
        });
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double counter(String prometheus, String name, String target) {
        return prometheus.lines().filter(l -> l.startsWith(name + "{") && l.contains("target=\"" + target + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** {@code n} views from the Online Retail sample, at their invoice times, ids prefixed with {@code name}. */
    private static List<Event> events(String name, int n) {
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Event e = retail.get(i);
            out.add(new Event(name + "-" + i, e.type(), e.userId(), e.itemId(), e.timestamp(), null, null, null));
        }
        return out;
    }

    /** Invoice lines with a customer and a positive quantity, as views at their invoice times (UTC). */
    static List<Event> retail(Path csv, int max) throws Exception {
        List<Event> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(csv)), StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null && out.size() < max; ) {
                List<String> f = Csv.split(line);
                if (f == null || f.size() != 8 || f.get(6).isEmpty() || Integer.parseInt(f.get(3)) <= 0) {
                    continue;
                }
                Instant ts = LocalDateTime.parse(f.get(4).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
                Event e = new Event("retail-" + out.size(), EventType.VIEW, f.get(6),
                        f.get(1).toUpperCase(Locale.ROOT), ts, null, null, null);
                if (EventValidator.validate(e, Instant.now()).isEmpty()) {
                    out.add(e); // "BANK CHARGES" is not a product id; the collector would answer 400
                }
            }
        }
        return out;
    }
}
