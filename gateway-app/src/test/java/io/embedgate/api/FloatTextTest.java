package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class FloatTextTest {

    static String text(float f) {
        byte[] buf = new byte[FloatText.MAX_CHARS];
        int n = FloatText.write(f, buf, 0);
        assertTrue(n <= FloatText.MAX_CHARS);
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    static void roundTrips(float f) {
        String s = text(f);
        float back = Float.parseFloat(s);
        assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back), () -> f + " printed as " + s);
    }

    static Stream<Arguments> readable() {
        return Stream.of(
                Arguments.of(0f, "0.0"),
                Arguments.of(-0f, "-0.0"),
                Arguments.of(1f, "1.0"),
                Arguments.of(-2.5f, "-2.5"),
                Arguments.of(100f, "100.0"),
                Arguments.of(1234567f, "1234567.0"),
                Arguments.of(0.1f, "0.100000001"),
                Arguments.of(-0.006929283f, "-0.00692928303"),
                Arguments.of(1e7f, "1.0e7"),
                Arguments.of(1.23e-8f, "1.23000001e-8"),
                Arguments.of(Float.MAX_VALUE, "3.40282347e38"),
                Arguments.of(Float.MIN_VALUE, "1.40129846e-45"));
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @MethodSource("readable")
    void readableOutput(float f, String expected) {
        assertEquals(expected, text(f));
    }

    @Test
    void everyPrintedValueIsValidJsonThatParsesBackExactly() throws Exception {
        ObjectMapper json = new ObjectMapper();
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(f)) {
                assertEquals(f, json.readTree(text(f)).floatValue(), 0f);
            }
        }
    }

    @Test
    void roundTripsRandomBitPatternsAndEmbeddingLikeValues() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 3_000_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(f)) {
                roundTrips(f);
            }
            roundTrips((float) (r.nextDouble() * 2 - 1));
        }
    }

    @Test
    void roundTripsAroundPowersOfTenAndTwo() {
        for (int e = -45; e <= 38; e++) {
            float p = (float) Math.pow(10, e);
            for (int k = -50; k <= 50; k++) {
                float f = Float.intBitsToFloat(Float.floatToRawIntBits(p) + k);
                if (Float.isFinite(f) && f > 0) {
                    roundTrips(f);
                    roundTrips(-f);
                }
            }
        }
        for (int e = -149; e <= 127; e++) {
            float p = Math.scalb(1f, e);
            for (int k = -3; k <= 3; k++) {
                float f = Float.intBitsToFloat(Float.floatToRawIntBits(p) + k);
                if (Float.isFinite(f) && f > 0) {
                    roundTrips(f);
                }
            }
        }
    }

    @Test
    void nonFiniteValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> text(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> text(Float.POSITIVE_INFINITY));
    }
}
