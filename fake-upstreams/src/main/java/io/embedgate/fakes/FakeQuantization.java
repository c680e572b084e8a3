package io.embedgate.fakes;

/**
 * Quantised vectors the way the fake Cohere and Voyage APIs compute them from their float vectors.
 * The fakes do not depend on the gateway's SPI, so this is their own copy of the packing rule.
 * <ul>
 * <li><b>ubinary</b>: bit = 1 when the value is {@code > 0} ({@code >= 0} when {@code zeroIsOne}, the
 * vLLM rule; which one the real providers use is unverified), 8 values a byte, most significant bit
 * first, the last byte padded with 0 bits: {@code ceil(dims / 8)} values in 0..255.</li>
 * <li><b>binary</b>: offset binary, {@code ubinary - 128}, in -128..127.</li>
 * <li><b>int8 / uint8</b>: a fixed calibration range {@code [-range, range]} per dimension (as a
 * provider's calibration set would give), {@code uint8 = round((v + range) / (2 * range) * 255)}
 * clamped to 0..255, {@code int8 = uint8 - 128}. Deliberately unlike the gateway's per-vector scaling,
 * so a test can tell the provider's bytes from bytes the gateway computed.</li>
 * </ul>
 */
public final class FakeQuantization {

    private FakeQuantization() {
    }

    /** The ubinary ({@code signed} false) or binary ({@code signed} true) values of {@code v}. */
    public static int[] packed(float[] v, boolean signed, boolean zeroIsOne) {
        int[] q = new int[(v.length + 7) / 8];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > 0 || zeroIsOne && v[i] == 0) {
                q[i / 8] |= 0x80 >>> (i % 8);
            }
        }
        if (signed) {
            for (int i = 0; i < q.length; i++) {
                q[i] -= 128;
            }
        }
        return q;
    }

    /** The int8 ({@code signed} true) or uint8 values of {@code v} with the calibration range {@code [-range, range]}. */
    public static int[] calibrated(float[] v, double range, boolean signed) {
        int[] q = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            long u = Math.round((v[i] + range) / (2 * range) * 255);
            q[i] = (int) Math.max(0, Math.min(255, u)) - (signed ? 128 : 0);
        }
        return q;
    }

    /** The values of a quantised {@code dtype} (int8, uint8, binary, ubinary). */
    public static int[] of(float[] v, String dtype, double range, boolean zeroIsOne) {
        return switch (dtype) {
            case "int8" -> calibrated(v, range, true);
            case "uint8" -> calibrated(v, range, false);
            case "binary" -> packed(v, true, zeroIsOne);
            case "ubinary" -> packed(v, false, zeroIsOne);
            default -> throw new IllegalArgumentException("not a quantised dtype: " + dtype);
        };
    }
}
