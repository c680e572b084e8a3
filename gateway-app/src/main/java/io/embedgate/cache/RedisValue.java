package io.embedgate.cache;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;
import io.vertx.core.buffer.Buffer;

/**
 * The shared tier's value format, and the check of every value read back. A value is a 17-byte
 * header (dtype ordinal, tokens, expiry in epoch millis; big-endian) and the vector's raw bytes
 * (float32 little-endian, or the bytes of a quantised type).
 *
 * <p>Redis is outside the process: other versions, other tools or a bug may have written anything
 * under a key. A value is used only when it is exactly what the request needs, otherwise it is a
 * miss. The check is a length compare before anything is copied (a huge value costs nothing) and,
 * for floats, one pass over the bits.
 */
final class RedisValue {

    /** dtype (1) + tokens (8) + expiry epoch millis (8). */
    static final int HEADER = 17;

    private static final OutputDtype[] DTYPES = OutputDtype.values();

    /** A value read back: the entry, or why it cannot be used; exactly one of them is set. */
    record Decoded(CachedVector entry, String problem) {

        static Decoded bad(String problem) {
            return new Decoded(null, problem);
        }
    }

    private RedisValue() {
    }

    static byte[] encode(CachedVector v, long expiresAtMillis) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + v.bytes().length);
        b.put((byte) v.dtype().ordinal()).putLong(v.tokens()).putLong(expiresAtMillis).put(v.bytes());
        return b.array();
    }

    /** The entry with the time it has left, if the value is one the request can be answered with. */
    static Decoded decode(Buffer value, VectorShape expected, long nowMillis) {
        int length = value.length();
        if (length != HEADER + expected.bytes()) {
            return Decoded.bad(length + " bytes, expected " + (HEADER + expected.bytes()) + " for " + expected.bytes() + " bytes of "
                    + expected.dtype().wireName());
        }
        int dtype = value.getByte(0) & 0xff;
        if (dtype != expected.dtype().ordinal()) {
            return Decoded.bad("element type " + (dtype < DTYPES.length ? DTYPES[dtype].wireName() : "#" + dtype) + ", expected "
                    + expected.dtype().wireName());
        }
        long tokens = value.getLong(1);
        if (tokens < 0) {
            return Decoded.bad("negative token count");
        }
        long expiresAt = value.getLong(9);
        if (expiresAt <= nowMillis) { // compared, not subtracted: a garbage expiry must not overflow into the future
            return Decoded.bad("expired");
        }
        byte[] vector = value.getBytes(HEADER, length);
        if (expected.dtype() == OutputDtype.FLOAT) {
            switch (Float32.validityOfLittleEndian(vector, 0, vector.length)) {
                case NOT_FINITE -> {
                    return Decoded.bad("NaN or infinite floats");
                }
                case ALL_ZERO -> {
                    return Decoded.bad("all-zero floats");
                }
                default -> {
                    // a usable vector
                }
            }
        }
        return new Decoded(new CachedVector(vector, expected.dtype(), tokens, TimeUnit.MILLISECONDS.toNanos(expiresAt - nowMillis)), null);
    }
}
