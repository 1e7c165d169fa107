package io.recoflow.common.contract;

import java.nio.charset.StandardCharsets;

/** MurmurHash3 x86 32-bit: fast, well mixed, and the same everywhere, so assignments are reproducible offline. */
final class Murmur3 {
    private Murmur3() {}

    static int hash32(String s, int seed) {
        byte[] data = s.getBytes(StandardCharsets.UTF_8);
        int h = seed;
        int n = data.length & ~3;
        for (int i = 0; i < n; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            h ^= mix(k);
            h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
        }
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[n + 2] & 0xff) << 16;
            case 2:
                k ^= (data[n + 1] & 0xff) << 8;
            case 1:
                k ^= data[n] & 0xff;
                h ^= mix(k);
            default:
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mix(int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        return k * 0x1b873593;
    }
}
