package io.recoflow.recommend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.Jedis;
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
