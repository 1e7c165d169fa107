package io.recoflow.recommend.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Minimal HS256 JWT verification (signature, {@code alg}, {@code exp}, {@code nbf}); no library, because the hot
 * path needs one HMAC and one small JSON parse, and a per-thread {@link Mac} avoids provider lookups per request.
 */
public final class Hs256 {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();
    private static final Base64.Encoder B64E = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> mac;

    public Hs256(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("recoflow.recommend.security.jwt-secret must be at least 32 bytes for HS256");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The token's subject when valid at {@code nowSeconds}; throws with a short reason otherwise. */
    public String verify(String token, long nowSeconds) {
        int a = token.indexOf('.');
        int b = a < 0 ? -1 : token.indexOf('.', a + 1);
        if (a <= 0 || b <= a || token.indexOf('.', b + 1) >= 0) {
            throw new IllegalArgumentException("malformed token");
        }
        byte[] sig;
        try {
            sig = B64.decode(token.substring(b + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed signature");
        }
        byte[] expected = mac.get().doFinal(token.substring(0, b).getBytes(StandardCharsets.US_ASCII));
        if (!MessageDigest.isEqual(expected, sig)) {
            throw new IllegalArgumentException("bad signature");
        }
        try {
            JsonNode header = JSON.readTree(B64.decode(token.substring(0, a)));
            if (!"HS256".equals(header.path("alg").asText())) {
                throw new IllegalArgumentException("alg must be HS256");
            }
            JsonNode claims = JSON.readTree(B64.decode(token.substring(a + 1, b)));
            if (claims.has("exp") && claims.get("exp").asLong() < nowSeconds) {
                throw new IllegalArgumentException("token expired");
            }
            if (claims.has("nbf") && claims.get("nbf").asLong() > nowSeconds) {
                throw new IllegalArgumentException("token not yet valid");
            }
            String sub = claims.path("sub").asText("");
            if (sub.isEmpty()) {
                throw new IllegalArgumentException("token has no sub");
            }
            return sub;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("malformed token body");
        }
    }

    /** Issues a token (tests, load generator, local tooling). */
    public String sign(String subject, long expSeconds) {
        String header = B64E.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = B64E.encodeToString(("{\"sub\":\"" + subject.replace("\"", "") + "\",\"exp\":" + expSeconds + "}")
                .getBytes(StandardCharsets.UTF_8));
        String signingInput = header + "." + body;
        return signingInput + "." + B64E.encodeToString(mac.get().doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }
}
