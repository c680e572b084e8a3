package io.embedgate.cache;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;

/**
 * One cached vector, stored compactly: float32 little-endian bytes (or the raw bytes of a quantised
 * type), the tokens it cost, and its time to live.
 *
 * @param ttlNanos how long the entry lives from the moment it is written
 */
public record CachedVector(byte[] bytes, OutputDtype dtype, long tokens, long ttlNanos) {

    /** Per-entry heap cost besides the vector bytes (key, record, array headers, Caffeine node); measured by bench CacheMemory. */
    static final int OVERHEAD_BYTES = 256;

    public static CachedVector of(Embedding e, long tokens, long ttlNanos) {
        if (e instanceof Embedding.Floats f) {
            return new CachedVector(Float32.toLittleEndian(f.values()), OutputDtype.FLOAT, tokens, ttlNanos);
        }
        Embedding.Bytes b = (Embedding.Bytes) e;
        return new CachedVector(b.values(), b.dtype(), tokens, ttlNanos);
    }

    public Embedding embedding() {
        return dtype == OutputDtype.FLOAT ? Embedding.Floats.of(Float32.fromLittleEndian(bytes)) : new Embedding.Bytes(bytes, dtype);
    }

    int weight() {
        return bytes.length + OVERHEAD_BYTES;
    }
}
