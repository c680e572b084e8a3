package io.embedgate.spi;

/**
 * Float vectors as int8, uint8, binary or ubinary, computed by the gateway for a model whose provider
 * cannot return them.
 * <ul>
 * <li><b>binary / ubinary</b> follow the packing of Cohere, Voyage and Mistral (numpy's
 * {@code packbits}): bit = 1 when the value is {@code > 0}; 8 dimensions per byte, most-significant
 * bit first; the last byte padded with 0 bits. {@code ubinary} is that byte (0..255), {@code binary}
 * is offset binary, {@code ubinary - 128} (-128..127), not a two's-complement reading of it. These are
 * exactly what those providers return for the same float vector.</li>
 * <li><b>int8 / uint8</b> use per-vector symmetric scaling: {@code int8 = rint(127 * x / max|x|)} (half to even),
 * {@code uint8 = int8 + 128}. Providers calibrate their own int8 on data they do not publish, so no
 * gateway can reproduce theirs; this method needs no calibration, keeps the vector's direction (cosine
 * similarity) up to rounding, and is the same for every provider.</li>
 * </ul>
 */
public final class Quantization {

    private Quantization() {
    }

    /** The vector as {@code dtype} (not FLOAT). */
    public static Embedding.Bytes quantize(float[] v, OutputDtype dtype) {
        return new Embedding.Bytes(switch (dtype) {
            case BINARY, UBINARY -> packBits(v, dtype == OutputDtype.BINARY);
            case INT8, UINT8 -> scaled(v, dtype == OutputDtype.UINT8);
            case FLOAT -> throw new IllegalArgumentException("float needs no quantisation");
        }, dtype);
    }

    static byte[] packBits(float[] v, boolean offset) {
        byte[] out = new byte[(v.length + 7) / 8];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > 0f) {
                out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        if (offset) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) ((out[i] & 0xff) - 128);
            }
        }
        return out;
    }

    static byte[] scaled(float[] v, boolean unsigned) {
        float max = 0f;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        byte[] out = new byte[v.length];
        if (max == 0f) {
            if (unsigned) {
                java.util.Arrays.fill(out, (byte) 128);
            }
            return out;
        }
        float scale = 127f / max;
        for (int i = 0; i < v.length; i++) {
            int q = (int) Math.rint(v[i] * scale); // half to even, as numpy rounds
            q = Math.max(-127, Math.min(127, q));
            out[i] = (byte) (unsigned ? q + 128 : q);
        }
        return out;
    }
}
