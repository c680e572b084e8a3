package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.OutputDtype;

class EmbeddingCacheTest {

    static ByteBuffer key(int i) {
        return ByteBuffer.wrap(new byte[]{(byte) i, (byte) (i >> 8), 7});
    }

    @Test
    void staysWithinItsMemoryBound() {
        EmbeddingCache cache = new EmbeddingCache(100_000);
        for (int i = 0; i < 100; i++) {
            cache.putAll(Map.of(key(i), new CachedVector(new byte[6144], OutputDtype.FLOAT, 1, 3_600_000_000_000L)));
        }
        assertTrue(cache.weightedSize() <= 100_000, cache.weightedSize() + " bytes");
        assertTrue(cache.entries() >= 10 && cache.entries() <= 16, cache.entries() + " entries of ~6.3 KB in 100 KB");
    }

    @Test
    void eachEntryHasItsOwnTimeToLive() throws InterruptedException {
        EmbeddingCache cache = new EmbeddingCache(10_000_000);
        Map<ByteBuffer, CachedVector> m = new HashMap<>();
        m.put(key(1), new CachedVector(new byte[16], OutputDtype.FLOAT, 1, 100_000_000L)); // 100 ms
        m.put(key(2), new CachedVector(new byte[16], OutputDtype.FLOAT, 1, 60_000_000_000L)); // 60 s
        cache.putAll(m);
        assertEquals(2, cache.getAll(List.of(key(1), key(2))).size());
        Thread.sleep(250);
        assertEquals(List.of(key(2)), List.copyOf(cache.getAll(List.of(key(1), key(2))).keySet()));
    }

    @Test
    void zeroBytesTurnsTheTierOff() {
        EmbeddingCache cache = new EmbeddingCache(0);
        cache.putAll(Map.of(key(1), new CachedVector(new byte[16], OutputDtype.FLOAT, 1, 60_000_000_000L)));
        assertTrue(cache.getAll(List.of(key(1))).isEmpty(), "nothing is held, not even until the next maintenance run");
        assertEquals(0, cache.entries());
        assertEquals(0, cache.weightedSize());
    }
}
