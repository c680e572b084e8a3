package io.embedgate.bench;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import io.embedgate.cache.CachedVector;
import io.embedgate.cache.EmbeddingCache;
import io.embedgate.spi.Embedding;

/**
 * Heap taken by cached 1536-dimension vectors in the in-process tier: fills the cache with N
 * entries, measures the used heap after full GCs, and extrapolates to one million.
 * Run with a heap large enough for N (about 6.5 KB each), e.g. -Xmx3g for 200,000.
 */
public final class CacheMemory {

    private CacheMemory() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        EmbeddingCache cache = new EmbeddingCache(Long.MAX_VALUE);
        SplittableRandom r = new SplittableRandom(1);
        long before = used();
        Map<ByteBuffer, CachedVector> batch = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] key = new byte[32];
            for (int k = 0; k < 32; k++) {
                key[k] = (byte) r.nextInt();
            }
            float[] v = new float[1536];
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) r.nextDouble();
            }
            batch.put(ByteBuffer.wrap(key), CachedVector.of(Embedding.Floats.of(v), 12, 3_600_000_000_000L));
            if (batch.size() == 1000) {
                cache.putAll(batch);
                batch = new HashMap<>();
            }
        }
        cache.putAll(batch);
        batch = null;
        long after = used();
        double per = (after - before) / (double) cache.entries();
        System.out.printf(
                "%d entries, %.0f bytes each on the heap (vector: 6144) -> %.2f GiB per million; the cache's own weigher says %d bytes%n",
                cache.entries(), per, per * 1e6 / (1L << 30), cache.weightedSize());
    }

    private static long used() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
