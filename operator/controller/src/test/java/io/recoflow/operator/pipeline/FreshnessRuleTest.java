package io.recoflow.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.core.Reason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshnessRuleTest {
    static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

    @Test
    void anIdlePipelineIsFreshHoweverOldItsNewestEvent() {
        var v = FreshnessRule.judge(0L, NOW.minus(Duration.ofDays(2)), NOW, 60);
        assertThat(v.fresh()).isTrue();
        assertThat(v.reason()).isEqualTo(Reason.CaughtUp);
        assertThat(FreshnessRule.judge(0L, null, NOW, 60).message()).isEqualTo("no events yet");
    }

    @Test
    void waitingEventsMakeTheAgeCount() {
        assertThat(FreshnessRule.judge(5L, NOW.minusSeconds(60), NOW, 60).fresh()).isTrue();
        var stale = FreshnessRule.judge(5L, NOW.minusSeconds(61), NOW, 60);
        assertThat(stale.fresh()).isFalse();
        assertThat(stale.reason()).isEqualTo(Reason.FeaturesStale);
        assertThat(stale.message()).isEqualTo("5 events wait; the newest applied event is 61s old "
                + "(freshness.maxSeconds 60)");
        assertThat(FreshnessRule.judge(5L, null, NOW, 60).fresh()).as("nothing applied yet").isFalse();
    }

    @Test
    void noLagReadingIsUnknownNotStale() {
        var v = FreshnessRule.judge(null, NOW.minusSeconds(3600), NOW, 60);
        assertThat(v.fresh()).isNull();
        assertThat(v.reason()).isEqualTo(Reason.KafkaUnreachable);
    }

    @Test
    void anEventFromSlightlyAheadOfOurClockIsZeroSecondsOld() {
        assertThat(FreshnessRule.age(NOW.plusSeconds(2), NOW)).isZero();
    }

    @Test
    void reReadsBackOffWhileKafkaOrRedisIsAway() {
        Duration i = Duration.ofSeconds(30);
        assertThat(PipelineReconciler.backoff(i, 0)).isEqualTo(i);
        assertThat(PipelineReconciler.backoff(i, 1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(PipelineReconciler.backoff(i, 3)).isEqualTo(Duration.ofSeconds(240));
        assertThat(PipelineReconciler.backoff(i, 4)).isEqualTo(Duration.ofMinutes(5));
        assertThat(PipelineReconciler.backoff(i, 40)).isEqualTo(Duration.ofMinutes(5));
    }
}
