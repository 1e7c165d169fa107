package io.recoflow.operator.demo;

import io.recoflow.common.RedisKeys;
import io.recoflow.operator.pipeline.FeatureStore;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import redis.clients.jedis.Jedis;

/**
 * SIMULATED feature worker for step 7: a real Kafka consumer under the worker's group that does, for each event, the
 * part of the worker's Lua script the operator looks at (moves {@code rf:meta:freshness lastEventAt} to the event's
 * time) and commits. Closing it is "the worker is paused". The real worker runs in e2e.
 */
final class FakeWorker implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    FakeWorker(String bootstrap, String group, List<String> topics, int redisPort) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        thread = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
                    Jedis redis = new Jedis("127.0.0.1", redisPort)) {
                consumer.subscribe(topics);
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    long newest = 0;
                    for (var r : records) {
                        newest = Math.max(newest, Long.parseLong(r.value()));
                    }
                    if (newest > 0) {
                        String last = redis.hget(RedisKeys.FRESHNESS, FeatureStore.FIELD);
                        if (last == null || Long.parseLong(last) < newest) {
                            redis.hset(RedisKeys.FRESHNESS, FeatureStore.FIELD, Long.toString(newest));
                        }
                    }
                    if (!records.isEmpty()) {
                        consumer.commitSync();
                    }
                }
            }
        }, "demo-feature-worker");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
