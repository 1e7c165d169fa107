package io.recoflow.recommend.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GuardPartsTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void hs256AcceptsItsOwnTokensAndRejectsTampering() {
        Hs256 jwt = new Hs256(SECRET);
        String t = jwt.sign("shop-frontend", 2_000_000_000L);
        assertThat(jwt.verify(t, 1_800_000_000L)).isEqualTo("shop-frontend");
        assertThatThrownBy(() -> jwt.verify(t, 2_000_000_001L)).hasMessage("token expired");
        assertThatThrownBy(() -> new Hs256("x".repeat(32).replace('x', 'y')).verify(t, 0)).hasMessage("bad signature");
        String[] parts = t.split("\\.");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"admin\",\"exp\":2000000000}".getBytes()) + "." + parts[2];
        assertThatThrownBy(() -> jwt.verify(forged, 0)).hasMessage("bad signature");
        assertThatThrownBy(() -> jwt.verify("nope", 0)).hasMessage("malformed token");
        assertThatThrownBy(() -> new Hs256("short")).hasMessageContaining("32 bytes");
    }

    @Test
    void tokenBucketAllowsBurstThenRefillsAtTheRate() {
        RateLimiter l = new RateLimiter(10, 3);
        long t = 1_000_000_000L;
        assertThat(l.tryAcquire("a", t)).isZero();
        assertThat(l.tryAcquire("a", t)).isZero();
        assertThat(l.tryAcquire("a", t)).isZero();
        long wait = l.tryAcquire("a", t);
        assertThat(wait).isBetween(99_000_000L, 100_000_000L);
        assertThat(l.tryAcquire("b", t)).as("buckets are per client").isZero();
        assertThat(l.tryAcquire("a", t + 100_000_000L)).isZero();
        assertThat(l.tryAcquire("a", t + 100_000_000L)).isPositive();
    }
}
