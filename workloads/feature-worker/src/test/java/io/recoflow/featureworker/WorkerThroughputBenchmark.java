package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.common.Csv;
import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import io.recoflow.common.EventValidator;
import io.recoflow.common.Json;
import io.recoflow.common.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * Worker throughput on the Online Retail sample (each invoice line = a view then a purchase of that item, moved
 * into the last 7 days): (a) {@link FeatureStore} alone, batches of 500 into a real redis-server; (b) the whole
 * worker, from a pre-filled topic to every event applied. Not a unit test: run with {@code -Pbenchmark}.
 */
@Tag("benchmark")
class WorkerThroughputBenchmark {
    private static final int WINDOW = Integer.getInteger("bench.window", 20);

    @Test
    void throughput() throws Exception {
        List<Event> events = load(Path.of(System.getProperty("recoflow.dataset.dir"), "online_retail_sample.csv.gz"));
        int partitions = Integer.getInteger("bench.partitions", 3);
        int concurrency = Integer.getInteger("bench.concurrency", 1);
        System.out.printf("BENCH events=%d partitions=%d concurrency=%d covisit_window=%d cores=%d%n", events.size(),
                partitions, concurrency, WINDOW, Runtime.getRuntime().availableProcessors());

        int redisPort = freePort();
        RedisServer redisServer = new RedisServer(redisPort);
        redisServer.start();
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions, Topics.EVENTS, Topics.EVENTS_DLT);
        broker.afterPropertiesSet();
        try (JedisPooled redis = new JedisPooled("127.0.0.1", redisPort)) {
            storeAlone(events, redisPort, redis);
            redis.flushAll();
            wholeWorker(events, broker, redisPort, concurrency);
        } finally {
            broker.destroy();
            redisServer.stop();
        }
    }

    private static void storeAlone(List<Event> events, int redisPort, JedisPooled redis) {
        WorkerProperties props = props(redisPort, "unused", 1);
        FeatureStore store = new FeatureStore(props);
        try {
            for (int round = 0; round < 2; round++) { // round 0 warms up the JIT; round 1 is all duplicates
                redis.flushAll();
                long t0 = System.nanoTime();
                for (int i = 0; i < events.size(); i += 500) {
                    store.apply(events.subList(i, Math.min(events.size(), i + 500)));
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("BENCH store-alone round=%d events=%d seconds=%.2f events_per_s=%.0f%n", round,
                        events.size(), s, events.size() / s);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < events.size(); i += 500) {
                store.apply(events.subList(i, Math.min(events.size(), i + 500)));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("BENCH store-duplicates events=%d seconds=%.2f events_per_s=%.0f%n", events.size(), s,
                    events.size() / s);
        } finally {
            store.destroy();
        }
    }

    private static void wholeWorker(List<Event> events, EmbeddedKafkaKraftBroker broker, int redisPort,
            int concurrency) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, e.userId(), Json.mapper().writeValueAsBytes(e)));
            }
            producer.flush();
        }
        WorkerProperties p = props(redisPort, broker.getBrokersAsString(), concurrency);
        long t0 = System.nanoTime();
        ConfigurableApplicationContext app = WorkerApplication.start(Map.of(
                "server.port", 0,
                "recoflow.worker.bootstrap-servers", p.bootstrapServers(),
                "recoflow.worker.redis-host", "127.0.0.1",
                "recoflow.worker.redis-port", redisPort,
                "recoflow.worker.covisit-window", WINDOW,
                "recoflow.worker.concurrency", concurrency));
        try {
            double startup = (System.nanoTime() - t0) / 1e9;
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            long t1 = System.nanoTime();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> registry.find("recoflow.worker.events").counters().stream()
                            .mapToDouble(c -> c.count()).sum() >= events.size());
            double s = (System.nanoTime() - t1) / 1e9;
            double applied = registry.find("recoflow.worker.events").tag("outcome", "applied").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            var write = registry.find("recoflow.worker.batch.write").timer();
            System.out.printf("BENCH whole-worker events=%d startup_s=%.2f drain_s=%.2f events_per_s=%.0f "
                            + "batches=%d batch_write_mean_ms=%.2f batch_write_max_ms=%.2f%n",
                    events.size(), startup, s, events.size() / s, write.count(),
                    write.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                    write.max(java.util.concurrent.TimeUnit.MILLISECONDS));
            assertThat(applied).isEqualTo(events.size());
        } finally {
            app.close();
        }
    }

    private static WorkerProperties props(int redisPort, String bootstrap, int concurrency) {
        return new WorkerProperties(bootstrap, "bench", List.of(Topics.EVENTS), Topics.EVENTS_DLT, null, concurrency,
                500, 16384, Duration.ofMillis(50), 3, (short) 1, "127.0.0.1", redisPort, false, null,
                Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(1), WINDOW, null, Duration.ofSeconds(2),
                new WorkerProperties.Weights(1, 3, 5, 1, 0),
                new WorkerProperties.Experiments(null, Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    /** Invoice lines with a customer and a positive quantity, as view + purchase, shifted into the last 7 days. */
    static List<Event> load(Path csv) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(csv)), StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                List<String> f = Csv.split(line);
                if (f != null && f.size() == 8 && !f.get(6).isEmpty() && Integer.parseInt(f.get(3)) > 0) {
                    rows.add(f.toArray(String[]::new));
                }
            }
        }
        long first = time(rows.get(0)[4]);
        long last = time(rows.get(rows.size() - 1)[4]);
        long window = Duration.ofDays(7).toMillis();
        long base = Instant.now().toEpochMilli() - window;
        List<Event> out = new ArrayList<>(rows.size() * 2);
        int n = 0;
        for (String[] f : rows) {
            long ts = base + (time(f[4]) - first) * window / Math.max(1, last - first);
            String item = f[1].toUpperCase(java.util.Locale.ROOT);
            Event view = new Event("b-" + n++, EventType.VIEW, f[6], item, Instant.ofEpochMilli(ts), null, null, null);
            if (!EventValidator.validate(view, Instant.now()).isEmpty()) {
                continue; // "BANK CHARGES" is not a product id; the collector would answer 400
            }
            out.add(view);
            out.add(new Event("b-" + n++, EventType.PURCHASE, f[6], item, Instant.ofEpochMilli(ts + 1), null, null,
                    null));
        }
        return out;
    }

    private static long time(String isoLocal) {
        return LocalDateTime.parse(isoLocal.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
