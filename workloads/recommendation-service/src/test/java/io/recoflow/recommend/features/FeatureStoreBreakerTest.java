package io.recoflow.recommend.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.recommend.config.RecommendProperties;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Redis circuit breaker: a burst of failures inside one timeout is not an outage, a sustained run is. */
class FeatureStoreBreakerTest {

    @Test
    void opensOnlyWhenFailuresLastLongerThanOneTimeout() throws Exception {
        RecommendProperties props = new RecommendProperties();
        try (ServerSocket s = new ServerSocket(0)) {
            props.getRedis().setPort(s.getLocalPort()); // closed again below: connection refused, at once
        }
        props.getRedis().setHost("127.0.0.1");
        props.getRedis().setTimeout(Duration.ofMillis(200));
        props.getRedis().setRetryAfterFailure(Duration.ofSeconds(30));
        try (FeatureStore store = new FeatureStore(props)) {
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
}
