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

    private static final double[] POW10 = new double[64];
    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = Double.parseDouble("1e" + i);
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
        for (int t = m; t % 10 == 0; t /= 10) {
            digits--;
        }
        if (e10 < 0 && e10 >= -7) {
            // The common case for embeddings, |v| in [1e-7, 1): "0.", zeros, then the digits, with
            // the last eight written by one 8-byte store (trailing zeros are written, then cut off).
            buf[pos++] = '0';
            buf[pos++] = '.';
            for (int i = -1; i > e10; i--) {
                buf[pos++] = '0';
            }
            int lead = m / 100_000_000;
            buf[pos] = (byte) ('0' + lead);
            LONG_LE.set(buf, pos + 1, eightDigits(m - lead * 100_000_000));
            return pos + digits;
        }
        while (m % 10 == 0) {
            m /= 10;
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
     * The eight ASCII digits of {@code v < 10^8}, most significant in the lowest byte, computed in
     * parallel within one long (SWAR): split into 4-digit halves, then 2-digit pairs, then digits,
     * using multiply-shift divisions that are exact in these ranges.
     */
    static long eightDigits(int v) {
        long x = (v / 10000) | ((long) (v % 10000) << 32);
        long hundreds = ((x * 10486) >>> 20) & 0x0000007F0000007FL;
        x = hundreds | ((x - hundreds * 100) << 16);
        long tens = ((x * 103) >>> 10) & 0x000F000F000F000FL;
        x = tens | ((x - tens * 10) << 8);
        return x + 0x3030303030303030L;
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
