package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.recoflow.collector.CollectorApplication;
import io.recoflow.collector.CollectorProperties;
import io.recoflow.common.RedisKeys;
import io.recoflow.common.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * Collector and worker in one JVM (as the e2e module runs them): HTTP in, features out, each app with its own
 * port, config and meters, and neither reading the {@code application.properties} fixture on the classpath.
 */
class PipelineTest {
    static EmbeddedKafkaKraftBroker broker;
    static RedisServer redisServer;
    static JedisPooled redis;
    static ConfigurableApplicationContext collector;
    static ConfigurableApplicationContext worker;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 2);
        broker.afterPropertiesSet();
        int redisPort;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redisServer = new RedisServer(redisPort);
        redisServer.start();
        redis = new JedisPooled("127.0.0.1", redisPort);
        collector = CollectorApplication.start(Map.of(
                "server.port", 0,
                "recoflow.collector.bootstrap-servers", broker.getBrokersAsString(),
                "recoflow.collector.topic-partitions", 2));
        worker = WorkerApplication.start(Map.of(
                "server.port", 0,
                "recoflow.worker.bootstrap-servers", broker.getBrokersAsString(),
                "recoflow.worker.topic-partitions", 2,
                "recoflow.worker.redis-host", "127.0.0.1",
                "recoflow.worker.redis-port", redisPort));
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
    void postedEventsBecomeFeatures() throws Exception {
        String user = "u-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        String body = "[" + json("view", user, "22423", t) + "," + json("add_to_cart", user, "85123A", t.plusSeconds(1))
                + "," + json("purchase", user, "85123A", t.plusSeconds(2)) + "]";

        HttpResponse<String> r = post(port(collector), "/v1/events:batch", body);

        assertThat(r.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> redis.smembers(RedisKeys.purchased(user)).contains("85123A"));
        assertThat(redis.zrevrange(RedisKeys.recentItems(user), 0, -1)).containsExactly("85123A", "22423");
        assertThat(redis.zscore(RedisKeys.coVisitation("85123A"), "22423")).isEqualTo(2.0);
    }

    @Test
    void eachAppKeepsItsOwnPortConfigAndMeters() throws Exception {
        assertThat(port(collector)).isPositive().isNotEqualTo(port(worker));
        assertThat(worker.getBean(WorkerProperties.class).bootstrapServers()).isEqualTo(broker.getBrokersAsString());
        assertThat(worker.getBean(WorkerProperties.class).groupId()).isEqualTo("recoflow-feature-worker");
        assertThat(collector.getBean(CollectorProperties.class).maxBatchSize()).isEqualTo(500);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get(port(collector), "/actuator/health/readiness").statusCode() == 200
                        && get(port(worker), "/actuator/health/readiness").statusCode() == 200);
        String collectorMetrics = get(port(collector), "/actuator/prometheus").body();
        String workerMetrics = get(port(worker), "/actuator/prometheus").body();
        assertThat(collectorMetrics).contains("application=\"event-collector\"").doesNotContain("recoflow_worker_");
        assertThat(workerMetrics).contains("application=\"feature-worker\"").doesNotContain("recoflow_collector_");
        assertThat(Topics.EVENTS).isEqualTo("recoflow.events");
    }

    private static String json(String type, String user, String item, Instant ts) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"userId\":\"" + user
                + "\",\"itemId\":\"" + item + "\",\"timestamp\":\"" + ts + "\"}";
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
