package io.recoflow.lakesink;

import static org.awaitility.Awaitility.await;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Sink throughput on Online Retail events (see docs/lake-sink.md): the topic is filled first, then the sink drains
 * it into S3Mock (4 MB / 2 s flushes); prints events/s from the started app to the last commit and the CPU time of
 * the sink's loop thread (decode, Parquet, uploads, commits) per event.
 * {@code mvn -pl workloads/lake-sink -Pbenchmark test -Dtest=SinkThroughputBenchmark}
 */
@Tag("benchmark")
class SinkThroughputBenchmark {
    private static final int EVENTS = Integer.getInteger("sink.bench.events", 200_000);

    @Test
    void drainsTheTopicIntoS3(@TempDir Path tmp) throws Exception {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.afterPropertiesSet();
        try (S3MockProcess s3mock = S3MockProcess.start(tmp.resolve("s3mock"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString()));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                        new StringSerializer(), new ByteArraySerializer())) {
            try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).forcePathStyle(true)
                    .endpointOverride(URI.create(s3mock.endpoint())).build()) {
                s3.createBucket(r -> r.bucket("lake"));
            }
            admin.createTopics(List.of(new NewTopic("bench", 3, (short) 1))).all().get();
            List<Event> retail = LakeSinkTest.retail(Path.of(System.getProperty("recoflow.dataset.dir"),
                    "online_retail_sample.csv.gz"), Integer.MAX_VALUE);
            // the sample's year squeezed into the last 7 days, as live traffic has it: a handful of event dates
            long first = retail.get(0).timestamp().toEpochMilli();
            long span = Math.max(1, retail.get(retail.size() - 1).timestamp().toEpochMilli() - first);
            long base = Instant.now().minus(Duration.ofDays(7)).toEpochMilli();
            for (int i = 0; i < EVENTS; i++) {
                Event r = retail.get(i % retail.size());
                Instant ts = Instant.ofEpochMilli(base + (r.timestamp().toEpochMilli() - first)
                        * Duration.ofDays(7).toMillis() / span);
                Event e = new Event("bench-" + i, i % 2 == 0 ? EventType.VIEW : EventType.PURCHASE, r.userId(),
                        r.itemId(), ts, null, null, null);
                producer.send(new ProducerRecord<>("bench", e.userId(), Json.mapper().writeValueAsBytes(e)));
            }
            producer.flush();

            Map<String, Object> p = new HashMap<>(Map.of(
                    "server.port", 0,
                    "recoflow.sink.bootstrap-servers", broker.getBrokersAsString(),
                    "recoflow.sink.topics", "bench",
                    "recoflow.sink.targets", "s3://lake/bench",
                    "recoflow.sink.s3-endpoint", s3mock.endpoint(),
                    "recoflow.sink.flush-bytes", "4MB",
                    "recoflow.sink.flush-interval", "2s"));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            try (ConfigurableApplicationContext app = SinkApplication.start(p)) {
                long t0 = System.nanoTime(); // from the started app: group join, drain, last flush and commit
                long[] loopCpu = {0};
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("lake-sink"))
                            .findFirst().ifPresent(t -> loopCpu[0] = threads.getThreadCpuTime(t.getId()));
                    long sum = 0;
                    for (OffsetAndMetadata o : admin.listConsumerGroupOffsets("recoflow-lake-sink")
                            .partitionsToOffsetAndMetadata().get().values()) {
                        sum += o == null ? 0 : o.offset();
                    }
                    return sum >= EVENTS;
                });
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("lake-sink benchmark: %d events in %.1f s = %.0f events/s; "
                                + "loop thread CPU %.1f s = %.1f us/event%n", EVENTS, seconds, EVENTS / seconds,
                        loopCpu[0] / 1e9, loopCpu[0] / 1e3 / EVENTS);
            }
        } finally {
            broker.destroy();
        }
    }
}
