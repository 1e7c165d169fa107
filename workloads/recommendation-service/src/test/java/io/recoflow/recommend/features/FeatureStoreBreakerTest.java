package io.recoflow.recommend.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recoflow.common.RedisKeys;
import io.recoflow.recommend.Overloaded;
import io.recoflow.recommend.TestInfra;
import io.recoflow.recommend.config.RecommendProperties;
import io.recoflow.recommend.runtime.PauseDetector;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The Redis circuit breaker: a burst of failures inside one timeout is not an outage, a sustained run is; a slow
 * Redis (a real redis-server blocked by {@code DEBUG SLEEP}) opens it, the same timeouts while the process itself is
 * stalled do not.
 */
class FeatureStoreBreakerTest {
    final PauseDetector pauses = new PauseDetector(new SimpleMeterRegistry());
    final List<Thread> sleepers = new ArrayList<>();

    @BeforeEach
    void seed() {
        try (Jedis j = TestInfra.jedis()) {
            j.zadd(RedisKeys.recentItems("known"), 1, "A");
        }
    }

    @AfterEach
    void wakeRedis() throws InterruptedException {
        for (Thread t : sleepers) {
            t.join(10_000); // the next test gets a redis-server that answers
        }
        pauses.stop();
    }

    @Test
    void opensOnlyWhenFailuresLastLongerThanOneTimeout() throws Exception {
        RecommendProperties props = new RecommendProperties();
        try (ServerSocket s = new ServerSocket(0)) {
            props.getRedis().setPort(s.getLocalPort()); // closed again below: connection refused, at once
        }
        props.getRedis().setHost("127.0.0.1");
        props.getRedis().setTimeout(Duration.ofMillis(200));
        props.getRedis().setRetryAfterFailure(Duration.ofSeconds(30));
        try (FeatureStore store = new FeatureStore(props, pauses)) {
            // a burst: every call in it really went to Redis (the cause is the connection error), none was skipped
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> store.user("u")).isInstanceOf(FeatureStoreUnavailableException.class)
                        .hasMessageStartingWith("redis unavailable");
            }
            Thread.sleep(250); // the same run of failures now spans more than one timeout
            assertThatThrownBy(() -> store.user("u")).hasMessageStartingWith("redis unavailable");
            // open: calls are skipped without touching Redis until retry-after-failure has passed
            assertThatThrownBy(() -> store.user("u")).hasMessageStartingWith("redis failed recently; skipping");
            assertThat(store.ping()).isFalse();
        }
    }

    @Test
    void aSlowRedisOpensTheBreaker() {
        try (FeatureStore store = new FeatureStore(props(), pauses)) {
            assertThat(store.user("known").isEmpty()).isFalse();
            sleepRedis(3);
            // every call now times out on a Redis that does not answer while the process runs on time; the run spans
            // one timeout after three of them, and the breaker opens
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThatThrownBy(() -> store.user("known"))
                    .isInstanceOf(FeatureStoreUnavailableException.class)
                    .hasMessageStartingWith("redis failed recently; skipping"));
        }
    }

    @Test
    void oneProbeClosesItOnceRedisAnswersAgain() throws Exception {
        RecommendProperties props = props();
        props.getRedis().setRetryAfterFailure(Duration.ofMillis(100));
        try (FeatureStore store = new FeatureStore(props, pauses)) {
            sleepRedis(1);
            // open for 100 ms at a time between probes: polled often enough to see a skipped call
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .untilAsserted(() -> assertThatThrownBy(() -> store.user("known"))
                    .hasMessageStartingWith("redis failed recently; skipping"));
            for (Thread t : sleepers) {
                t.join(10_000);
            }
            // after the skip window a call probes Redis, which answers: closed again
            await().atMost(Duration.ofSeconds(2)).ignoreExceptionsInstanceOf(FeatureStoreUnavailableException.class)
                    .untilAsserted(() -> assertThat(store.user("known").isEmpty()).isFalse());
            assertThat(store.user("known").isEmpty()).isFalse();
        }
    }

    @Test
    void timeoutsWhileTheProcessIsStalledAreShedAndLeaveTheBreakerClosed() throws Exception {
        AtomicBoolean starving = new AtomicBoolean(true);
        // what the detector records when the process is starved of CPU: it keeps waking up late, here by 300 ms,
        // longer than the stall tolerance, for the whole time the calls below run
        Thread starved = new Thread(() -> {
            while (starving.get()) {
                pauses.stalled(System.nanoTime(), 300_000_000L);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "starved");
        try (FeatureStore store = new FeatureStore(props(), pauses)) {
            sleepRedis(3);
            starved.start();
            List<Overloaded.Reason> shed = new ArrayList<>();
            // more timed-out calls than it takes to open the breaker (3 spanning one timeout), while the sleep lasts
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
                try {
                    store.user("known");
                    return false;
                } catch (Overloaded e) {
                    shed.add(e.reason());
                }
                return shed.size() >= 5;
            });
            assertThat(shed).containsOnly(Overloaded.Reason.STALLED);
            for (Thread t : sleepers) {
                t.join(10_000); // DEBUG SLEEP has returned: Redis answers again
            }
            starving.set(false);
            starved.join();
            // the breaker never opened (it would skip Redis for 30 s): the next call reaches Redis and answers
            assertThat(store.user("known").isEmpty()).isFalse();
        } finally {
            starving.set(false);
        }
    }

    /** Real redis-server, 100 ms timeout, a stall tolerance far above what a busy test machine shows. */
    private static RecommendProperties props() {
        RecommendProperties props = new RecommendProperties();
        props.getRedis().setHost("127.0.0.1");
        props.getRedis().setPort(TestInfra.redisPort());
        props.getRedis().setTimeout(Duration.ofMillis(100));
        props.getRedis().setStallTolerance(Duration.ofMillis(250));
        props.getRedis().setRetryAfterFailure(Duration.ofSeconds(30));
        return props;
    }

    private void sleepRedis(int seconds) {
        sleepers.add(TestInfra.sleepRedis(seconds));
    }
}
