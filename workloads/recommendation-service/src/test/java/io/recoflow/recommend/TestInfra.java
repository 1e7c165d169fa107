package io.recoflow.recommend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.embedded.RedisServer;

/** One real redis-server and one in-JVM KRaft Kafka broker per test JVM, shared by the Spring test contexts. */
public final class TestInfra {
    private static RedisServer redis;
    private static int redisPort;
    private static EmbeddedKafkaKraftBroker kafka;

    private TestInfra() {}

    public static synchronized int redisPort() {
        if (redis == null) {
            redisPort = freePort();
            try {
                redis = new RedisServer(redisPort);
                redis.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestInfra::stopRedisQuietly));
        }
        return redisPort;
    }

    public static synchronized void stopRedis() throws IOException {
        redis.stop();
    }

    public static synchronized void startRedis() throws IOException {
        redis = new RedisServer(redisPort);
        redis.start();
    }

    private static void stopRedisQuietly() {
        try {
            if (redis != null) {
                redis.stop();
            }
        } catch (IOException ignored) {
            // JVM exit
        }
    }

    public static Jedis jedis() {
        return new Jedis("localhost", redisPort());
    }

    private static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.UTF_8);

    /**
     * Blocks the redis-server for {@code seconds} ({@code DEBUG SLEEP} on its own connection, in the background: a
     * Redis that is slow, not down); returns once the sleep has begun. Join the thread to know Redis answers again.
     */
    public static Thread sleepRedis(int seconds) {
        Thread t = new Thread(() -> {
            try (Jedis j = new Jedis("127.0.0.1", redisPort(), 30_000)) {
                j.sendCommand(DEBUG, "SLEEP", Integer.toString(seconds));
            }
        }, "redis-sleep");
        t.start();
        // the sleep has begun once a PING on another connection gets no answer
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (Jedis probe = new Jedis("127.0.0.1", redisPort(), 50)) {
                probe.ping();
                return false;
            } catch (RuntimeException e) {
                return true;
            }
        });
        return t;
    }

    public static synchronized String kafka() {
        if (kafka == null) {
            kafka = new EmbeddedKafkaKraftBroker(1, 1, io.recoflow.common.Topics.EVENTS);
            kafka.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::destroy));
        }
        return kafka.getBrokersAsString();
    }

    public static Path tempDir(String prefix) {
        try {
            Path d = Files.createTempDirectory(prefix);
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
