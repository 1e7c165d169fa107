package io.recoflow.common.contract;

/**
 * The one user hashing of the data plane: {@code murmur3_32(salt + ":" + userId) mod 10000}. Experiments and the
 * canary split both use it, each with its own salt, so the two assignments are independent of each other and the
 * same on every replica, in the feature worker and offline.
 */
public final class Buckets {
    public static final int COUNT = 10_000;

    private Buckets() {}

    /** The user's bucket in 0..{@value #COUNT}-1. */
    public static int of(String salt, String userId) {
        return Integer.remainderUnsigned(Murmur3.hash32(salt + ":" + userId, 0), COUNT);
    }
}
