package io.embedgate.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Float32#validityOfLittleEndian}: on the bits, the same answer as decoding and looking at every value. */
class Float32ValidityTest {

    @Test
    void aUnitVectorIsValid() {
        assertTrue(valid(new float[]{0.6f, -0.8f, 0f}));
        assertTrue(valid(new float[]{0f, 0f, Float.MIN_VALUE}), "a subnormal is not zero");
        assertTrue(valid(new float[]{-Float.MAX_VALUE}));
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void anyNonFiniteValueAnywhereIsInvalid(float bad) {
        for (int at = 0; at < 5; at++) {
            float[] v = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
            v[at] = bad;
            assertFalse(valid(v), bad + " at " + at);
        }
    }

    @Test
    void aNanWithAnotherPayloadIsInvalid() {
        assertFalse(valid(new float[]{0.5f, Float.intBitsToFloat(0xffc00001)}));
    }

    @Test
    void zerosAreInvalid() {
        assertFalse(valid(new float[8]));
        assertFalse(valid(new float[]{-0f, 0f, -0f}), "negative zero is zero");
        assertFalse(valid(new float[0]), "no values: nothing to point anywhere");
    }

    @Test
    void onlyTheGivenRangeIsRead() {
        byte[] framed = new byte[4 + 8 + 4];
        byte[] zeros = Float32.toLittleEndian(new float[]{0f, 0f});
        System.arraycopy(zeros, 0, framed, 4, 8);
        byte[] nan = Float32.toLittleEndian(new float[]{Float.NaN});
        System.arraycopy(nan, 0, framed, 0, 4);
        framed[12] = 1; // a non-zero value after the range
        assertFalse(Float32.validityOfLittleEndian(framed, 4, 8) == Float32.Validity.OK, "zeros inside, whatever is around them");
        System.arraycopy(Float32.toLittleEndian(new float[]{1f}), 0, framed, 8, 4);
        assertTrue(Float32.validityOfLittleEndian(framed, 4, 8) == Float32.Validity.OK, "the NaN before the range is not read");
    }

    @Test
    void lengthsThatAreNotWholeFloatsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Float32.validityOfLittleEndian(new byte[7], 0, 7));
    }

    @Test
    void agreesWithDecodingOnRandomBitPatterns() {
        Random random = new Random(11);
        for (int round = 0; round < 20_000; round++) {
            int[] bits = new int[1 + random.nextInt(6)];
            for (int i = 0; i < bits.length; i++) {
                // Mostly special patterns (zeros, NaN/infinity exponents), some anything at all.
                bits[i] = switch (random.nextInt(4)) {
                    case 0 -> random.nextBoolean() ? 0 : 0x80000000;
                    case 1 -> 0x7f800000 | (random.nextBoolean() ? 0x80000000 : 0) | (random.nextBoolean() ? random.nextInt(0x800000) : 0);
                    default -> random.nextInt();
                };
            }
            float[] v = new float[bits.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.intBitsToFloat(bits[i]);
            }
            boolean expected = Float32.allFinite(v) && anyNonZero(v);
            assertEquals(expected, valid(v), () -> Arrays.toString(bits));
        }
    }

    private static boolean anyNonZero(float[] v) {
        for (float f : v) {
            if (f != 0f) {
                return true;
            }
        }
        return false;
    }

    private static boolean valid(float[] v) {
        byte[] b = Float32.toLittleEndian(v);
        return Float32.validityOfLittleEndian(b, 0, b.length) == Float32.Validity.OK;
    }
}
