package io.embedgate.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * Little-endian float32 packing, the layout of OpenAI's {@code encoding_format: base64} and of our
 * cache entries. Works on arrays directly: no boxing, no intermediate buffers.
 */
public final class Float32 {

    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE_BITS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Base64.Decoder BASE64 = Base64.getDecoder();

    /**
     * Whether the JDK's base64 decoder is a SIMD intrinsic here: on x86 since JDK 21 (AVX2), on
     * other architectures (aarch64) since JDK 17. It then beats the tables below by ~2.5x; without
     * it (JDK 17 to 20 on x86) the tables beat the JDK's byte-at-a-time loop by ~1.5x
     * ({@code Base64FloatsBenchmark}).
     */
    private static final boolean JDK_DECODES_FAST = Runtime.version().feature() >= 21
            || !"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"));
    /**
     * The 6-bit value of each base64 character, already shifted to its place in a 4-character
     * quantum (B64_0 for the first character: bits 18-23, ... B64_3 for the last: bits 0-5), so a
     * quantum is four lookups OR-ed together. -1 for every byte outside the alphabet (padding
     * included): a bad character makes the OR negative.
     */
    private static final int[] B64_0 = new int[256];
    private static final int[] B64_1 = new int[256];
    private static final int[] B64_2 = new int[256];
    private static final int[] B64_3 = new int[256];

    static {
        Arrays.fill(B64_0, -1);
        Arrays.fill(B64_1, -1);
        Arrays.fill(B64_2, -1);
        Arrays.fill(B64_3, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; i++) {
            char c = alphabet.charAt(i);
            B64_0[c] = i << 18;
            B64_1[c] = i << 12;
            B64_2[c] = i << 6;
            B64_3[c] = i;
        }
    }

    private Float32() {
    }

    /**
     * Decodes standard, padded base64 (RFC 4648) of little-endian float32 values: OpenAI's
     * {@code encoding_format: base64}. Accepts exactly what {@link Base64#getDecoder()} accepts of
     * text in whole 4-character quanta.
     *
     * @throws IllegalArgumentException when the text is not base64 of whole float32 values
     */
    public static float[] fromBase64(byte[] text, int offset, int length) {
        return fromBase64(text, offset, length, !JDK_DECODES_FAST);
    }

    /**
     * How many float32 values {@code length} characters of padded base64 hold, from the length and
     * the padding alone (the characters are checked when decoded).
     *
     * @throws IllegalArgumentException when the length is not whole quanta or not whole float32 values
     */
    static int base64Floats(byte[] text, int offset, int length) {
        if ((length & 3) != 0) {
            throw new IllegalArgumentException("base64 length " + length + " is not a multiple of 4");
        }
        if (length == 0) {
            return 0;
        }
        int end = offset + length;
        int padding = text[end - 1] == '=' ? (text[end - 2] == '=' ? 2 : 1) : 0;
        int bytes = length / 4 * 3 - padding;
        if ((bytes & 3) != 0) {
            throw new IllegalArgumentException(bytes + " bytes are not whole float32 values");
        }
        return bytes >> 2;
    }

    /** {@link #fromBase64}, with the tables or with the JDK's decoder (both are tested on every JDK). */
    static float[] fromBase64(byte[] text, int offset, int length, boolean tables) {
        int floats = base64Floats(text, offset, length);
        if (length == 0) {
            return new float[0];
        }
        if (!tables) {
            ByteBuffer raw = BASE64.decode(ByteBuffer.wrap(text, offset, length));
            return fromLittleEndian(raw.array(), raw.arrayOffset() + raw.position(), raw.remaining());
        }
        int end = offset + length;
        float[] out = new float[floats];
        // 16 characters are 12 bytes, three whole floats. The last quantum (it may hold padding) is
        // never part of a block: it goes to the JDK's decoder with the rest, which checks the padding.
        int blocks = (length - 4) >> 4;
        int i = offset;
        int o = 0;
        int bad = 0;
        int[] t0 = B64_0;
        int[] t1 = B64_1;
        int[] t2 = B64_2;
        int[] t3 = B64_3;
        for (int k = 0; k < blocks; k++, i += 16, o += 3) {
            int a = t0[text[i] & 0xff] | t1[text[i + 1] & 0xff] | t2[text[i + 2] & 0xff] | t3[text[i + 3] & 0xff];
            int b = t0[text[i + 4] & 0xff] | t1[text[i + 5] & 0xff] | t2[text[i + 6] & 0xff] | t3[text[i + 7] & 0xff];
            int c = t0[text[i + 8] & 0xff] | t1[text[i + 9] & 0xff] | t2[text[i + 10] & 0xff] | t3[text[i + 11] & 0xff];
            int d = t0[text[i + 12] & 0xff] | t1[text[i + 13] & 0xff] | t2[text[i + 14] & 0xff] | t3[text[i + 15] & 0xff];
            bad |= a | b | c | d;
            // Bytes 0-11 are a[23..0] b[23..0] c[23..0] d[23..0]; each float is 4 of them, little-endian.
            out[o] = Float.intBitsToFloat(Integer.reverseBytes(a << 8 | b >>> 16));
            out[o + 1] = Float.intBitsToFloat(Integer.reverseBytes(b << 16 | c >>> 8));
            out[o + 2] = Float.intBitsToFloat(Integer.reverseBytes(c << 24 | d));
        }
        if (bad < 0) {
            throw new IllegalArgumentException("not base64: a character outside the base64 alphabet");
        }
        ByteBuffer rest = BASE64.decode(ByteBuffer.wrap(text, i, end - i));
        for (int r = rest.position(); r < rest.limit(); r += 4) {
            out[o++] = (float) LE.get(rest.array(), rest.arrayOffset() + r);
        }
        return out;
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

    /** Whether a float vector can be an embedding at all. */
    public enum Validity {
        OK,
        /** A NaN or infinite value: JSON cannot carry it, and no similarity can be computed with it. */
        NOT_FINITE,
        /** Every value is zero: the vector has no direction, so cosine similarity is undefined on it. */
        ALL_ZERO
    }

    /** {@link Validity} of decoded values. */
    public static Validity validity(float[] values) {
        boolean nonZero = false;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return Validity.NOT_FINITE;
            }
            nonZero |= v != 0f;
        }
        return nonZero ? Validity.OK : Validity.ALL_ZERO;
    }

    /**
     * {@link Validity} of base64 float32 text, checked without decoding it into floats: for values
     * below 2 in magnitude (every unit vector's) from three characters of every sixteen, else from
     * every value's exponent and magnitude bits.
     *
     * @param text in the base64 alphabet, as {@link Embedding.Floats#ofBase64} requires of its text;
     *             a character outside it is caught where it is read, not everywhere
     * @throws IllegalArgumentException when the length is not whole float32 values, or a character read is not base64
     */
    public static Validity validityOfBase64(byte[] text, int offset, int length) {
        Validity quick = unitRangeValidity(text, offset, length);
        return quick != null ? quick : validityOfBase64(text, offset, length, !JDK_DECODES_FAST);
    }

    /**
     * The fast path of {@link #validityOfBase64}, for what embeddings hold: values below 2 in
     * magnitude. Bit 30 of a float32 (the top bit of its exponent) is set only for |x| >= 2,
     * infinities and NaNs; in each 16-character block of base64 it sits in three characters (4, 9
     * and 14), so a vector is checked with three table lookups per three values instead of sixteen.
     * Null when that bit is set anywhere (or a character there is not base64): the full check decides.
     */
    static Validity unitRangeValidity(byte[] text, int offset, int length) {
        base64Floats(text, offset, length);
        int blocks = length == 0 ? 0 : (length - 4) >> 4;
        int[] v = B64_3;
        int high = 0;
        int end = offset + (blocks << 4);
        for (int i = offset; i < end; i += 16) {
            high |= v[text[i + 4] & 0xff] & 0x10 | v[text[i + 9] & 0xff] & 0x04 | v[text[i + 14] & 0xff] & 0x01;
        }
        if (high != 0) {
            return null;
        }
        // Not all zero: the first value with any magnitude bit settles it (the first, in practice).
        // Sign bits (characters 4, 9 and 14 again: 0x20, 0x08, 0x02) do not count: -0.0 is zero.
        for (int i = offset; i < end; i += 16) {
            int magnitude = v[text[i] & 0xff] | v[text[i + 1] & 0xff] | v[text[i + 2] & 0xff] | v[text[i + 3] & 0xff]
                    | v[text[i + 4] & 0xff] & ~0x20 | v[text[i + 5] & 0xff] | v[text[i + 6] & 0xff] | v[text[i + 7] & 0xff]
                    | v[text[i + 8] & 0xff] | v[text[i + 9] & 0xff] & ~0x08 | v[text[i + 10] & 0xff] | v[text[i + 11] & 0xff]
                    | v[text[i + 12] & 0xff] | v[text[i + 13] & 0xff] | v[text[i + 14] & 0xff] & ~0x02 | v[text[i + 15] & 0xff];
            if (magnitude < 0) {
                return null; // not base64 after all: the full check says so
            }
            if (magnitude != 0) {
                return tailValidity(text, end, offset + length, Validity.OK);
            }
        }
        return tailValidity(text, end, offset + length, Validity.ALL_ZERO);
    }

    /** The values in the last characters (a padded quantum and what no 16-character block covered), decoded exactly. */
    private static Validity tailValidity(byte[] text, int from, int to, Validity blocks) {
        ByteBuffer rest = BASE64.decode(ByteBuffer.wrap(text, from, to - from));
        boolean nonZero = blocks == Validity.OK;
        for (int r = rest.position(); r < rest.limit(); r += 4) {
            int bits = Float.floatToRawIntBits((float) LE.get(rest.array(), rest.arrayOffset() + r));
            if ((bits & 0x7F800000) == 0x7F800000) {
                return Validity.NOT_FINITE;
            }
            nonZero |= (bits & 0x7FFFFFFF) != 0;
        }
        return nonZero ? Validity.OK : Validity.ALL_ZERO;
    }

    static Validity validityOfBase64(byte[] text, int offset, int length, boolean tables) {
        base64Floats(text, offset, length);
        if (length == 0) {
            return Validity.ALL_ZERO;
        }
        int end = offset + length;
        int i = offset;
        int bad = 0;
        int nonZero = 0;
        boolean notFinite = false;
        if (tables) {
            int blocks = (length - 4) >> 4;
            int[] t0 = B64_0;
            int[] t1 = B64_1;
            int[] t2 = B64_2;
            int[] t3 = B64_3;
            for (int k = 0; k < blocks; k++, i += 16) {
                int a = t0[text[i] & 0xff] | t1[text[i + 1] & 0xff] | t2[text[i + 2] & 0xff] | t3[text[i + 3] & 0xff];
                int b = t0[text[i + 4] & 0xff] | t1[text[i + 5] & 0xff] | t2[text[i + 6] & 0xff] | t3[text[i + 7] & 0xff];
                int c = t0[text[i + 8] & 0xff] | t1[text[i + 9] & 0xff] | t2[text[i + 10] & 0xff] | t3[text[i + 11] & 0xff];
                int d = t0[text[i + 12] & 0xff] | t1[text[i + 13] & 0xff] | t2[text[i + 14] & 0xff] | t3[text[i + 15] & 0xff];
                bad |= a | b | c | d;
                // x, y, z hold each value's four bytes in memory order, so the low byte of each is the float's top byte (sign, exponent).
                int x = a << 8 | b >>> 16;
                int y = b << 16 | c >>> 8;
                int z = c << 24 | d;
                notFinite |= (x & 0x807F) == 0x807F | (y & 0x807F) == 0x807F | (z & 0x807F) == 0x807F;
                nonZero |= (x | y | z) & 0xFFFFFF7F;
            }
            if (bad < 0) {
                throw new IllegalArgumentException("not base64: a character outside the base64 alphabet");
            }
        }
        ByteBuffer rest = BASE64.decode(ByteBuffer.wrap(text, i, end - i));
        for (int r = rest.position(); r < rest.limit(); r += 4) {
            int bits = Float.floatToRawIntBits((float) LE.get(rest.array(), rest.arrayOffset() + r));
            notFinite |= (bits & 0x7F800000) == 0x7F800000;
            nonZero |= bits & 0x7FFFFFFF;
        }
        return notFinite ? Validity.NOT_FINITE : nonZero != 0 ? Validity.OK : Validity.ALL_ZERO;
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

    /**
     * {@link Validity} of {@code length} bytes of little-endian float32 values (-0.0 is zero too),
     * e.g. a stored vector: one pass over the bits, without decoding.
     *
     * @throws IllegalArgumentException when the length is not whole float32 values
     */
    public static Validity validityOfLittleEndian(byte[] bytes, int offset, int length) {
        if ((length & 3) != 0) {
            throw new IllegalArgumentException("float32 data must be a multiple of 4 bytes, got " + length);
        }
        int magnitudes = 0;
        for (int i = offset, end = offset + length; i < end; i += 4) {
            int bits = (int) LE_BITS.get(bytes, i);
            if ((bits & 0x7f800000) == 0x7f800000) { // exponent all ones: infinite or NaN
                return Validity.NOT_FINITE;
            }
            magnitudes |= bits & 0x7fffffff;
        }
        return magnitudes != 0 ? Validity.OK : Validity.ALL_ZERO;
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
