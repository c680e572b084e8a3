package io.embedgate.cache;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.embedgate.config.GatewayConfig;

/**
 * The in-process tier: a Caffeine cache bounded by bytes (vectors plus per-entry overhead) with a
 * time to live per entry, as each request may set its own. Keys are 32-byte SHA-256 digests.
 * {@code max-bytes=0} turns it off (replicas that only share the Redis tier).
 */
@Singleton
public class EmbeddingCache {

    /** Null when the tier is off. */
    private final Cache<ByteBuffer, CachedVector> local;

    @Inject
    public EmbeddingCache(GatewayConfig config) {
        this(config.cache().maxBytes().map(m -> m.asLongValue()).orElse(defaultMaxBytes()));
    }

    /** A quarter of the maximum heap: sized with the heap, so no default can outgrow it. */
    static long defaultMaxBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    public EmbeddingCache(long maxBytes) {
        // Caffeine would hold an entry above its bound until its next maintenance run: off means off.
        this.local = maxBytes <= 0 ? null
                : Caffeine.newBuilder()
                        .maximumWeight(maxBytes)
                        .weigher((ByteBuffer k, CachedVector v) -> v.weight())
                        .expireAfter(Expiry.creating((ByteBuffer k, CachedVector v) -> java.time.Duration.ofNanos(v.ttlNanos())))
                        .build();
    }

    /** The entries present for these keys, by key. */
    public Map<ByteBuffer, CachedVector> getAll(List<ByteBuffer> keys) {
        if (local == null) {
            return Map.of();
        }
        Map<ByteBuffer, CachedVector> found = new HashMap<>();
        for (ByteBuffer k : keys) {
            CachedVector v = local.getIfPresent(k);
            if (v != null) {
                found.put(k, v);
            }
        }
        return found;
    }

    public void putAll(Map<ByteBuffer, CachedVector> entries) {
        if (local != null) {
            local.putAll(entries);
        }
    }

    /** Empties this replica's tier (the shared tier is untouched). */
    public void invalidateAll() {
        if (local != null) {
            local.invalidateAll();
        }
    }

    /** Approximate bytes held (for tests and metrics); runs pending maintenance first. */
    public long weightedSize() {
        if (local == null) {
            return 0;
        }
        local.cleanUp();
        return local.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    public long entries() {
        if (local == null) {
            return 0;
        }
        local.cleanUp();
        return local.estimatedSize();
    }
}
