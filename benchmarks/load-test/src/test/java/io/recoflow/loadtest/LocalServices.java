package io.recoflow.loadtest;

import io.recoflow.common.Topics;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.embedded.RedisServer;

/**
 * A redis-server and a single-node KRaft Kafka broker, for run.sh on machines without Docker.
 * Usage: LocalServices REDIS_PORT BOOTSTRAP_FILE; writes the broker's bootstrap address (the KRaft test kit picks
 * its own port) to BOOTSTRAP_FILE, prints READY, stops on SIGTERM.
 */
public final class LocalServices {
    public static void main(String[] args) throws Exception {
        int redisPort = Integer.parseInt(args[0]);
        java.nio.file.Path bootstrapFile = java.nio.file.Path.of(args[1]);
        RedisServer redis = new RedisServer(redisPort);
        redis.start();
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 6);
        kafka.brokerProperties(Map.of("auto.create.topics.enable", "true", "log.retention.ms", "3600000"));
        kafka.afterPropertiesSet();
        kafka.addTopics(new NewTopic(Topics.EVENTS, 6, (short) 1), new NewTopic(Topics.EVENTS_DLT, 1, (short) 1));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.destroy();
            try {
                redis.stop();
            } catch (Exception ignored) {
                // exiting anyway
            }
            done.countDown();
        }));
        java.nio.file.Files.writeString(bootstrapFile, kafka.getBrokersAsString());
        System.out.println("READY redis=localhost:" + redisPort + " kafka=" + kafka.getBrokersAsString());
        done.await();
    }
}
