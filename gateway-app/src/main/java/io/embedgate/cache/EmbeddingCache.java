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
 */
@Singleton
public class EmbeddingCache {

    private final Cache<ByteBuffer, CachedVector> local;

    @Inject
    public EmbeddingCache(GatewayConfig config) {
        this(config.cache().maxBytes().asLongValue());
    }

    public EmbeddingCache(long maxBytes) {
        this.local = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((ByteBuffer k, CachedVector v) -> v.weight())
                .expireAfter(Expiry.creating((ByteBuffer k, CachedVector v) -> java.time.Duration.ofNanos(v.ttlNanos())))
                .build();
    }

    /** The entries present for these keys, by key. */
    public Map<ByteBuffer, CachedVector> getAll(List<ByteBuffer> keys) {
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
        local.putAll(entries);
    }

    /** Empties this replica's tier (the shared tier is untouched). */
    public void invalidateAll() {
        local.invalidateAll();
    }

    /** Approximate bytes held (for tests and metrics); runs pending maintenance first. */
    public long weightedSize() {
        local.cleanUp();
        return local.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    public long entries() {
        local.cleanUp();
        return local.estimatedSize();
    }
}
