package io.embedgate.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class QuantizationTest {

    /** The worked example of the packing rule (16 dimensions), as Cohere, Voyage and Mistral pack. */
    static final float[] SIXTEEN = {0.12f, -0.5f, 0.0f, 0.33f, -0.01f, 0.9f, -0.7f, 0.05f, -0.2f, 0.4f, 0.1f, -0.3f, 0.0f, -0.6f, 0.8f,
            0.25f};

    @Test
    void ubinaryIsPackedMostSignificantBitFirstWithZeroAsZero() {
        Embedding.Bytes u = Quantization.quantize(SIXTEEN, OutputDtype.UBINARY);
        assertArrayEquals(new int[]{149, 99}, unsigned(u.values()));
        assertEquals("lWM=", Base64.getEncoder().encodeToString(u.values()));
        assertEquals(OutputDtype.UBINARY, u.dtype());
    }

    @Test
    void binaryIsOffsetBinaryNotTwosComplement() {
        Embedding.Bytes b = Quantization.quantize(SIXTEEN, OutputDtype.BINARY);
        assertArrayEquals(new byte[]{21, -29}, b.values());
        assertEquals("FeM=", Base64.getEncoder().encodeToString(b.values()));
    }

    @Test
    void aSizeThatIsNotAMultipleOfEightPadsTheLastByteWithZeroBits() {
        // Mistral's 10-dimension example comes back as 2 bytes.
        float[] ten = {1, -1, -1, 1, -1, -1, -1, 1, 1, 1};
        assertArrayEquals(new int[]{0b10010001, 0b11000000}, unsigned(Quantization.quantize(ten, OutputDtype.UBINARY).values()));
        assertArrayEquals(new byte[]{17, 64}, Quantization.quantize(ten, OutputDtype.BINARY).values());
    }

    @Test
    void int8ScalesByTheLargestMagnitudeAndUint8IsItPlus128() {
        float[] v = {0.5f, -0.25f, 0.0f, 0.125f, -0.5f};
        assertArrayEquals(new byte[]{127, -64, 0, 32, -127}, Quantization.quantize(v, OutputDtype.INT8).values());
        assertArrayEquals(new int[]{255, 64, 128, 160, 1}, unsigned(Quantization.quantize(v, OutputDtype.UINT8).values()));
        // Scale does not matter: the direction is what is kept.
        float[] scaled = {5f, -2.5f, 0f, 1.25f, -5f};
        assertArrayEquals(Quantization.quantize(v, OutputDtype.INT8).values(), Quantization.quantize(scaled, OutputDtype.INT8).values());
    }

    @Test
    void floatIsNotQuantised() {
        assertThrows(IllegalArgumentException.class, () -> Quantization.quantize(SIXTEEN, OutputDtype.FLOAT));
    }

    static int[] unsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
