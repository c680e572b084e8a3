package io.embedgate.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes a float32 as JSON text with at most 9 significant digits, straight into a byte array.
 *
 * <p>Nine significant digits always identify a float32 exactly (FLT_DECIMAL_DIG), so every client
 * that parses the text back to float32 gets the very value the provider sent. The scaled value is
 * computed in double precision; its error (a few units in 2^-53) can move the ninth digit by at
 * most one, which stays far inside half a float32 ulp (at least 2^-25 relative), so round-tripping
 * holds for every finite float. Trailing zeros are dropped. Plain notation is used for magnitudes
 * in [1e-7, 1e7), scientific notation otherwise; both are valid JSON numbers.
 *
 * <p>This is about ten times faster than general shortest-representation printers, which matters:
 * a 16 x 1536 float response is 24,576 numbers.
 */
final class FloatText {

    /** Room {@link #write} needs: sign, "0.", 6 zeros, 9 digits (some written past the end and cut off). */
    static final int MAX_CHARS = 20;

    private static final int FAST_MIN_BITS = Float.floatToRawIntBits(1e-7f);
    private static final int FAST_END_BITS = Float.floatToRawIntBits(1f);
    private static final long ASCII_ZEROS = 0x3030303030303030L;
    /** "0.000000" as a little-endian long. */
    private static final long ZERO_POINT_ZEROS = 0x303030303030_2e30L;
    /** floor(log10(2^e)) for e = -24..-1: floor(log10(d)) for d in [2^e, 2^(e+1)) is this or one more. */
    private static final int[] E10_LOW = new int[24];
    /** POW10_NEG[k] = 10^-k, correctly rounded. */
    private static final double[] POW10_NEG = new double[9];

    private static final double[] POW10 = new double[64];
    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = Double.parseDouble("1e" + i);
        }
        for (int e = -24; e < 0; e++) {
            E10_LOW[e + 24] = (int) Math.floor(Math.log10(Math.scalb(1.0, e)));
        }
        for (int k = 0; k < POW10_NEG.length; k++) {
            POW10_NEG[k] = Double.parseDouble("1e-" + k);
        }
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private FloatText() {
    }

    /**
     * Writes {@code f} at {@code pos}; returns the new position. Needs {@link #MAX_CHARS} bytes of room.
     *
     * @throws IllegalArgumentException for NaN and infinities, which JSON cannot represent
     */
    static int write(float f, byte[] buf, int pos) {
        int bits = Float.floatToRawIntBits(f);
        int abs = bits & 0x7fffffff;
        if (abs >= FAST_MIN_BITS && abs < FAST_END_BITS) {
            // The common case for embeddings, |v| in [1e-7, 1). Branch-free on purpose: the sign,
            // the decimal exponent and the run of zeros of real vectors are random, and each
            // mispredicted branch costs about as much as printing a digit pair.
            buf[pos] = '-';
            pos += bits >>> 31;
            double d = Float.intBitsToFloat(abs);
            int e2 = (abs >>> 23) - 127; // binary exponent, -24..-1
            int e10 = E10_LOW[e2 + 24];
            e10 += d >= POW10_NEG[-(e10 + 1)] ? 1 : 0; // now floor(log10(d)), in -7..-1
            long m = (long) (d * POW10[8 - e10] + 0.5); // nine significant digits
            if (m >= 1_000_000_000L) {
                return general(f, bits, buf, pos); // a rounding carry; never seen for float32 in this range
            }
            int lead = (int) (m / 100_000_000);
            long raw = eightDigitsRaw((int) m - lead * 100_000_000);
            // "0.000000" in one store; the digits then overwrite it from the first significant place.
            LONG_LE.set(buf, pos, ZERO_POINT_ZEROS);
            int at = pos + 1 - e10;
            buf[at] = (byte) ('0' + lead);
            LONG_LE.set(buf, at + 1, raw + ASCII_ZEROS);
            // Trailing zero digits sit in the high bytes of raw: drop them (all eight when raw is 0).
            return at + 9 - (Long.numberOfLeadingZeros(raw) >>> 3);
        }
        return general(f, bits, buf, pos);
    }

    /** Every other value: zero, |v| below 1e-7 or at least 1, a rounding carry; the sign written by branch. */
    private static int general(float f, int bits, byte[] buf, int pos) {
        if (bits < 0) {
            buf[pos++] = '-';
        }
        if ((bits & 0x7fffffff) == 0) {
            buf[pos] = '0';
            buf[pos + 1] = '.';
            buf[pos + 2] = '0';
            return pos + 3;
        }
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("not a finite number: " + f);
        }
        double d = Math.abs((double) f);
        // floor(log10(d)), from the binary exponent: exact or one too small.
        int e10 = (Math.getExponent(d) * 78913) >> 18;
        int m = scaled(d, 8 - e10);
        if (m >= 1_000_000_000) {
            e10++;
            m = scaled(d, 8 - e10);
        } else if (m < 100_000_000) {
            e10--;
            m = scaled(d, 8 - e10);
        }
        if (m >= 1_000_000_000) { // rounding carried into a tenth digit, e.g. 9.999999996 -> 10.0000000
            e10++;
            m /= 10;
        }
        int digits = 9;
        while (m % 10 == 0) { // drop trailing zeros
            m /= 10;
            digits--;
        }
        // value = m * 10^(e10 - digits + 1), m has `digits` digits
        if (e10 >= -7 && e10 < 7) {
            if (e10 >= 0) {
                int intDigits = e10 + 1;
                if (digits <= intDigits) {
                    pos = writeDigits(m, digits, buf, pos);
                    for (int i = digits; i < intDigits; i++) {
                        buf[pos++] = '0';
                    }
                    buf[pos++] = '.';
                    buf[pos++] = '0';
                } else {
                    int end = writeDigits(m, digits, buf, pos + 1);
                    // shift the integer digits left by one to open a slot for the point
                    System.arraycopy(buf, pos + 1, buf, pos, intDigits);
                    buf[pos + intDigits] = '.';
                    pos = end;
                }
            } else {
                buf[pos++] = '0';
                buf[pos++] = '.';
                for (int i = -1; i > e10; i--) {
                    buf[pos++] = '0';
                }
                pos = writeDigits(m, digits, buf, pos);
            }
            return pos;
        }
        // scientific: d.ddddddddE±xx
        int end = writeDigits(m, digits, buf, pos + 1);
        buf[pos] = buf[pos + 1];
        buf[pos + 1] = '.';
        if (digits == 1) {
            buf[pos + 2] = '0';
            end = pos + 3;
        }
        pos = end;
        buf[pos++] = 'e';
        if (e10 < 0) {
            buf[pos++] = '-';
            e10 = -e10;
        }
        if (e10 >= 10) {
            buf[pos++] = DIGIT_PAIRS[2 * e10];
        }
        buf[pos++] = DIGIT_PAIRS[2 * e10 + 1];
        return pos;
    }

    /**
     * The eight decimal digits of {@code v < 10^8} as byte values 0..9 (add {@code ASCII_ZEROS} for
     * text), most significant in the lowest byte, computed in
     * parallel within one long (SWAR): split into 4-digit halves, then 2-digit pairs, then digits,
     * using multiply-shift divisions that are exact in these ranges.
     */
    private static long eightDigitsRaw(int v) {
        long x = (v / 10000) | ((long) (v % 10000) << 32);
        long hundreds = ((x * 10486) >>> 20) & 0x0000007F0000007FL;
        x = hundreds | ((x - hundreds * 100) << 16);
        long tens = ((x * 103) >>> 10) & 0x000F000F000F000FL;
        return tens | ((x - tens * 10) << 8);
    }

    /** d * 10^s rounded half up; d > 0 and the result below ~1e10, so int arithmetic suffices. */
    private static int scaled(double d, int s) {
        double x = s >= 0 ? d * POW10[s] : d / POW10[-s];
        long r = (long) (x + 0.5);
        return r > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) r;
    }

    /** Writes the {@code count} digits of {@code m} (no leading zeros) at {@code pos}. */
    private static int writeDigits(int m, int count, byte[] buf, int pos) {
        int end = pos + count;
        int i = end;
        int v = m; // at most 9 digits
        while (v >= 100) {
            int q = v / 100;
            int r = v - q * 100;
            buf[--i] = DIGIT_PAIRS[2 * r + 1];
            buf[--i] = DIGIT_PAIRS[2 * r];
            v = q;
        }
        if (v >= 10) {
            buf[--i] = DIGIT_PAIRS[2 * v + 1];
            buf[--i] = DIGIT_PAIRS[2 * v];
        } else {
            buf[--i] = (byte) ('0' + v);
        }
        return end;
    }
}
