package io.embedgate.spi;

/**
 * One vector. Floats stay {@code float[]} from the upstream decoder to the response writer; quantised
 * types keep the provider's raw bytes.
 */
public sealed interface Embedding permits Embedding.Floats, Embedding.Bytes {

    /** Number of elements as sent to the client (for packed binary types: dimensions / 8). */
    int length();

    record Floats(float[] values) implements Embedding {
        @Override
        public int length() {
            return values.length;
        }
    }

    /** int8/uint8 values, or bit-packed binary/ubinary values, one byte per element. */
    record Bytes(byte[] values, OutputDtype dtype) implements Embedding {
        @Override
        public int length() {
            return values.length;
        }
    }
}
