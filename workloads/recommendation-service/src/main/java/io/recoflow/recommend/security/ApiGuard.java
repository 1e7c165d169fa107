package io.recoflow.recommend.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.recommend.config.RecommendProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authentication (API key or HS256 JWT) then a per-client token bucket, for the {@code /v1/recommendations} API.
 * Both are off by default (local mode). Rejections are JSON with a reason; no user data is logged.
 */
public class ApiGuard extends OncePerRequestFilter {
    public static final String CLIENT_ATTRIBUTE = "recoflow.client";

    private final RecommendProperties.Security.Mode mode;
    private final Map<String, String> keyToClient = new HashMap<>();
    private final Hs256 jwt;
    private final RateLimiter limiter;
    private final Counter unauthorized;
    private final Counter limited;

    public ApiGuard(RecommendProperties.Security cfg, MeterRegistry meters) {
        this.mode = cfg.getMode();
        for (String entry : cfg.getApiKeys()) {
            int c = entry.indexOf(':');
            if (c <= 0 || c == entry.length() - 1) {
                throw new IllegalArgumentException("recoflow.recommend.security.api-keys entries must be clientId:key");
            }
            keyToClient.put(entry.substring(c + 1), entry.substring(0, c));
        }
        if (mode == RecommendProperties.Security.Mode.API_KEY && keyToClient.isEmpty()) {
            throw new IllegalArgumentException("security mode api-key needs recoflow.recommend.security.api-keys");
        }
        this.jwt = mode == RecommendProperties.Security.Mode.JWT ? new Hs256(cfg.getJwtSecret()) : null;
        this.limiter = cfg.getRateLimitPerSecond() > 0 ? new RateLimiter(cfg.getRateLimitPerSecond(), cfg.getRateLimitBurst()) : null;
        this.unauthorized = meters.counter("recoflow.security.rejected", "reason", "unauthorized");
        this.limited = meters.counter("recoflow.security.rejected", "reason", "rate_limited");
    }

    public boolean enabled() {
        return mode != RecommendProperties.Security.Mode.NONE || limiter != null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws ServletException, IOException {
        String client;
        try {
            client = authenticate(req);
        } catch (IllegalArgumentException e) {
            unauthorized.increment();
            resp.setHeader("WWW-Authenticate", mode == RecommendProperties.Security.Mode.JWT ? "Bearer" : "ApiKey");
            reject(resp, 401, e.getMessage());
            return;
        }
        if (limiter != null) {
            long waitNanos = limiter.tryAcquire(client, System.nanoTime());
            if (waitNanos > 0) {
                limited.increment();
                resp.setHeader("Retry-After", Long.toString(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)));
                reject(resp, 429, "rate limit exceeded");
                return;
            }
        }
        req.setAttribute(CLIENT_ATTRIBUTE, client);
        chain.doFilter(req, resp);
    }

    private String authenticate(HttpServletRequest req) {
        switch (mode) {
            case API_KEY: {
                String key = req.getHeader("X-API-Key");
                if (key == null || key.isEmpty()) {
                    throw new IllegalArgumentException("missing X-API-Key");
                }
                String client = lookup(key);
                if (client == null) {
                    throw new IllegalArgumentException("unknown API key");
                }
                return client;
            }
            case JWT: {
                String h = req.getHeader("Authorization");
                if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    throw new IllegalArgumentException("missing bearer token");
                }
                return jwt.verify(h.substring(7).trim(), System.currentTimeMillis() / 1000);
            }
            default:
                return req.getRemoteAddr();
        }
    }

    /** Constant-time over all keys so response timing does not reveal a key prefix. */
    private String lookup(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, String> e : keyToClient.entrySet()) {
            if (MessageDigest.isEqual(k, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return found;
    }

    private static void reject(HttpServletResponse resp, int status, String reason) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.getWriter().write("{\"error\":\"" + reason.replace("\"", "'") + "\"}");
    }
}
