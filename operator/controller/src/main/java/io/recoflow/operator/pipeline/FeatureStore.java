package io.recoflow.operator.pipeline;

import io.recoflow.common.RedisKeys;
import java.time.Instant;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads the feature worker's freshness marker from the feature store: {@link RedisKeys#FRESHNESS} field
 * {@code lastEventAt}, the event time (epoch millis) of the newest event the worker applied, which its Lua script
 * moves forward atomically with the features themselves. Redis rather than the worker's freshness gauge through
 * Prometheus: it is what the serving side reads, it needs no Prometheus, and it survives worker restarts. One
 * short-lived connection per read (a reconcile every poll interval does not need a pool).
 */
public class FeatureStore {
    public static final String FIELD = "lastEventAt";
    static final int TIMEOUT_MS = 2000;

    /** The store did not answer. */
    public static final class StoreException extends Exception {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** @return the newest applied event's time, or null when the worker has applied none yet */
    public Instant newestEvent(String host, int port, boolean tls) throws StoreException {
        var config = DefaultJedisClientConfig.builder().ssl(tls).connectionTimeoutMillis(TIMEOUT_MS)
                .socketTimeoutMillis(TIMEOUT_MS).clientName("recoflow-operator").build();
        try (Jedis j = new Jedis(new HostAndPort(host, port), config)) {
            String v = j.hget(RedisKeys.FRESHNESS, FIELD);
            return v == null ? null : Instant.ofEpochMilli(Long.parseLong(v.trim()));
        } catch (JedisException e) {
            throw new StoreException("Redis " + host + ":" + port + ": " + message(e), e);
        } catch (NumberFormatException e) {
            throw new StoreException("Redis " + host + ":" + port + ": " + RedisKeys.FRESHNESS + " " + FIELD
                    + " is not epoch millis", e);
        }
    }

    private static String message(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + c.getMessage() + ")";
    }
}
