package io.embedgate.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Float32#fromBase64} against the JDK's decoder, for both of its decoders (the tables and the
 * JDK's), whichever this JDK picks: the same values bit for bit, and the same inputs rejected.
 */
class Float32Test {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void decodesEveryLengthAndBitPatternAsTheJdkDoes(boolean tables) {
        Random random = new Random(42);
        for (int floats = 0; floats <= 64; floats++) {
            for (int round = 0; round < 20; round++) {
                checkRoundTrip(randomBits(random, floats), random, tables);
            }
        }
        checkRoundTrip(randomBits(random, 1536), random, tables);
        checkRoundTrip(randomBits(random, 3072), random, tables);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rejectsExactlyWhatTheJdkRejects(boolean tables) {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            int floats = 1 + random.nextInt(40);
            byte[] text = Base64.getEncoder().encode(littleEndian(randomBits(random, floats)));
            // One byte replaced by any byte at all (padding, the alphabet, whitespace, non-ASCII), or
            // the text cut short by 4 bytes (whole quanta, other floats counts).
            if (random.nextInt(10) == 0 && text.length > 4) {
                text = Arrays.copyOf(text, text.length - 4);
            } else {
                text[random.nextInt(text.length)] = (byte) random.nextInt(256);
            }
            byte[] framed = frame(text, random);
            int offset = framed.length - text.length - 3;
            float[] expected;
            try {
                expected = reference(text);
            } catch (IllegalArgumentException e) {
                byte[] bad = text;
                assertThrows(IllegalArgumentException.class, () -> Float32.fromBase64(framed, offset, bad.length, tables),
                        () -> "accepted what the JDK rejects: " + new String(bad));
                continue;
            }
            assertBitsEqual(expected, Float32.fromBase64(framed, offset, text.length, tables));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rejectsLengthsThatAreNotWholeFloats(boolean tables) {
        byte[] threeBytes = Base64.getEncoder().encode(new byte[3]);
        assertThrows(IllegalArgumentException.class, () -> Float32.fromBase64(threeBytes, 0, threeBytes.length, tables));
        byte[] unpadded = "AAAAAA".getBytes();
        assertThrows(IllegalArgumentException.class, () -> Float32.fromBase64(unpadded, 0, unpadded.length, tables));
        assertEquals(0, Float32.fromBase64(new byte[0], 0, 0, tables).length);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyAlphabetCharacterInEveryPositionOfABlock(boolean tables) {
        // 28 characters, five floats: one 16-character block for the tables, then 12 characters (the
        // last of them padding) for the JDK's decoder.
        for (int position = 0; position < 27; position++) {
            for (int c = 0; c < 64; c++) {
                byte[] text = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes();
                text[position] = (byte) ALPHABET.charAt(c);
                assertBitsEqual(reference(text), Float32.fromBase64(text, 0, text.length, tables));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void validityOfBase64IsTheValidityOfTheDecodedValues(boolean tables) {
        Random random = new Random(11);
        int[] fastAnswers = {0};
        for (int round = 0; round < 20_000; round++) {
            int floats = 1 + random.nextInt(40);
            int[] bits = new int[floats];
            // Mostly ordinary values, with one NaN or infinity, or all zeros (either sign), anywhere.
            for (int i = 0; i < floats; i++) {
                bits[i] = Float.floatToRawIntBits((float) random.nextGaussian() * 0.03f);
            }
            switch (random.nextInt(4)) {
                case 0 -> bits[random.nextInt(floats)] = 0x7f800000 | random.nextInt() & 0x807fffff;
                case 1 -> {
                    for (int i = 0; i < floats; i++) {
                        bits[i] = random.nextBoolean() ? 0 : 0x80000000;
                    }
                }
                case 2 -> {
                    for (int i = 0; i < floats; i++) {
                        bits[i] = random.nextBoolean() ? 0 : 0x80000000;
                    }
                    bits[random.nextInt(floats)] = random.nextInt() & 0x007fffff | 1; // one subnormal: not all zero
                }
                default -> {
                    // ordinary
                }
            }
            byte[] text = Base64.getEncoder().encode(littleEndian(bits));
            byte[] framed = frame(text, random);
            int offset = framed.length - text.length - 3;
            Float32.Validity expected = Float32.validity(reference(text));
            assertEquals(expected, Float32.validityOfBase64(framed, offset, text.length, tables), () -> java.util.Arrays.toString(bits));
            // The fast path either agrees or leaves the answer to the full check.
            Float32.Validity quick = Float32.unitRangeValidity(framed, offset, text.length);
            if (quick != null) {
                assertEquals(expected, quick, () -> "fast path: " + java.util.Arrays.toString(bits));
                fastAnswers[0]++;
            }
        }
        assertTrue(fastAnswers[0] > 5_000, "the fast path answered most ordinary vectors: " + fastAnswers[0]);
        for (int position = 0; position < 27; position++) {
            byte[] bad = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes();
            bad[position] = '*';
            assertThrows(IllegalArgumentException.class, () -> Float32.validityOfBase64(bad, 0, bad.length, tables),
                    "position " + position);
        }
        assertEquals(Float32.Validity.ALL_ZERO, Float32.validityOfBase64(new byte[0], 0, 0, tables));
    }

    private static void checkRoundTrip(int[] bits, Random random, boolean tables) {
        byte[] text = Base64.getEncoder().encode(littleEndian(bits));
        byte[] framed = frame(text, random);
        float[] decoded = Float32.fromBase64(framed, framed.length - text.length - 3, text.length, tables);
        assertEquals(bits.length, decoded.length);
        for (int i = 0; i < bits.length; i++) {
            assertEquals(bits[i], Float.floatToRawIntBits(decoded[i]), "float " + i + " of " + bits.length);
        }
    }

    /** Random bit patterns, with NaN payloads, infinities, zeros and subnormals among them. */
    private static int[] randomBits(Random random, int n) {
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) {
            bits[i] = switch (random.nextInt(8)) {
                case 0 -> 0x7f800000 | random.nextInt() & 0x807fffff; // NaN, infinity
                case 1 -> random.nextInt() & 0x807fffff; // zero, subnormal
                case 2 -> Float.floatToRawIntBits((float) random.nextGaussian() * 0.03f);
                default -> random.nextInt();
            };
        }
        return bits;
    }

    private static byte[] littleEndian(int[] bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putInt(v);
        }
        return b.array();
    }

    /** The text inside a larger array, as in a JSON body: quote-delimited, at a random offset. */
    private static byte[] frame(byte[] text, Random random) {
        int before = 1 + random.nextInt(5);
        byte[] framed = new byte[before + text.length + 3];
        Arrays.fill(framed, (byte) 'A'); // valid base64 around it: a decoder reading past its range would not notice otherwise
        framed[before - 1] = '"';
        System.arraycopy(text, 0, framed, before, text.length);
        framed[before + text.length] = '"';
        return framed;
    }

    /** The JDK's decoder plus the whole-floats rule: what fromBase64 must match. */
    private static float[] reference(byte[] text) {
        if (text.length % 4 != 0) {
            throw new IllegalArgumentException("not whole quanta");
        }
        byte[] raw = Base64.getDecoder().decode(text);
        if (raw.length % 4 != 0) {
            throw new IllegalArgumentException("not whole floats");
        }
        float[] out = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        int[] e = new int[expected.length];
        int[] a = new int[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Float.floatToRawIntBits(expected[i]);
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.floatToRawIntBits(actual[i]);
        }
        assertArrayEquals(e, a);
    }
}
