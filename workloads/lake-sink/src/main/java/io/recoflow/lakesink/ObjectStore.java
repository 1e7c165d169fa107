package io.recoflow.lakesink;

import java.util.Optional;

/** One data-lake target: whole-object writes (an overwrite replaces atomically) and reads of small objects. */
interface ObjectStore extends AutoCloseable {

    Target target();

    /** Writes or overwrites {@code key} (relative to the target's prefix); returns once the object is durable. */
    void put(String key, byte[] bytes) throws Exception;

    /** The object at {@code key}, or empty when there is none. */
    Optional<byte[]> get(String key) throws Exception;

    /** Throws when the bucket/container cannot be reached (health). */
    void check() throws Exception;

    @Override
    default void close() {}
}
