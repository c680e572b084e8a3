package io.embedgate.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian float32 packing, the layout of OpenAI's {@code encoding_format: base64} and of our
 * cache entries. Works on arrays directly: no boxing, no intermediate buffers.
 */
public final class Float32 {

    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private Float32() {
    }

    public static float[] fromLittleEndian(byte[] bytes) {
        return fromLittleEndian(bytes, 0, bytes.length);
    }

    public static float[] fromLittleEndian(byte[] bytes, int offset, int length) {
        if ((length & 3) != 0) {
            throw new IllegalArgumentException("float32 data must be a multiple of 4 bytes, got " + length);
        }
        float[] out = new float[length >> 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) LE.get(bytes, offset + (i << 2));
        }
        return out;
    }

    /** False when any value is NaN or infinite (JSON cannot carry them; no embedding holds them). */
    public static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    public static byte[] toLittleEndian(float[] values) {
        byte[] out = new byte[values.length << 2];
        for (int i = 0; i < values.length; i++) {
            LE.set(out, i << 2, values[i]);
        }
        return out;
    }

    /**
     * Scales {@code v} in place to unit length (sum of squares in double precision); a zero vector
     * stays zero. Returns {@code v}.
     */
    public static float[] normalizeInPlace(float[] v) {
        double squares = 0;
        for (float f : v) {
            squares += (double) f * f;
        }
        double norm = Math.sqrt(squares);
        for (int i = 0; i < v.length; i++) {
            v[i] = norm == 0 ? 0f : (float) (v[i] / norm);
        }
        return v;
    }
}
