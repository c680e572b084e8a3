package io.embedgate.spi;

/**
 * One vector. Floats stay {@code float[]} (or the provider's own base64 float32 text) from the
 * upstream decoder to the response writer; quantised types keep the provider's raw bytes.
 */
public sealed interface Embedding permits Embedding.Floats, Embedding.Bytes {

    /** Number of elements as sent to the client (for packed binary types: dimensions / 8). */
    int length();

    /**
     * A float32 vector. Built either from values, or from a provider's base64 of little-endian
     * float32 (OpenAI's {@code encoding_format: base64}); the latter is decoded only when someone
     * needs the numbers, so a base64 client gets the provider's text passed through untouched.
     */
    final class Floats implements Embedding {

        private volatile float[] values;
        private final byte[] base64;
        private final int offset;
        private final int base64Length;
        private final int length;

        private Floats(float[] values, byte[] base64, int offset, int base64Length, int length) {
            this.values = values;
            this.base64 = base64;
            this.offset = offset;
            this.base64Length = base64Length;
            this.length = length;
        }

        public static Floats of(float[] values) {
            return new Floats(values, null, 0, 0, values.length);
        }

        /**
         * Wraps {@code len} bytes of standard base64 text at {@code off} (not copied). The caller has
         * checked that the text is in the base64 alphabet (a decoder finds the string's end that way):
         * it may be passed to base64 clients as is.
         *
         * @throws IllegalArgumentException when the text is not the base64 of whole float32 values
         */
        public static Floats ofBase64(byte[] text, int off, int len) {
            int floats = Float32.base64Floats(text, off, len);
            if (floats == 0) {
                throw new IllegalArgumentException("empty base64: no float32 values");
            }
            return new Floats(null, text, off, len, floats);
        }

        /** The values; decodes base64 on first use. */
        public float[] values() {
            float[] v = values;
            if (v == null) {
                v = Float32.fromBase64(base64, offset, base64Length);
                values = v;
            }
            return v;
        }

        /**
         * Whether the vector can be an embedding at all. With {@code decode}, base64 text is decoded
         * (and kept, for a client that wants the numbers); without, it is only scanned.
         *
         * @throws IllegalArgumentException when the base64 text is not base64 of whole float32 values
         */
        public Float32.Validity validity(boolean decode) {
            float[] v = values;
            if (v == null && !decode) {
                return Float32.validityOfBase64(base64, offset, base64Length);
            }
            return Float32.validity(v != null ? v : values());
        }

        /** True when this vector still holds the provider's base64 text. */
        public boolean hasBase64() {
            return base64 != null;
        }

        public byte[] base64Text() {
            return base64;
        }

        public int base64Offset() {
            return offset;
        }

        public int base64Length() {
            return base64Length;
        }

        @Override
        public int length() {
            return length;
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
