package io.embedgate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import io.embedgate.catalog.Price;

/** Money in the ledger: exact pico-USD, half up at the 12th decimal, shown back as plain decimals. */
class PicoUsdTest {

    @Test
    void convertsExactlyBothWays() {
        assertEquals(800_000L, PicoUsd.of(new BigDecimal("0.0000008")));
        assertEquals("0.0000008", PicoUsd.usd(800_000L).toPlainString());
        assertEquals(1_000_000_000_000L, PicoUsd.of(BigDecimal.ONE));
        assertEquals("1", PicoUsd.usd(1_000_000_000_000L).toPlainString());
        assertEquals(0L, PicoUsd.of(BigDecimal.ZERO));
        assertEquals("0", PicoUsd.usd(0).toPlainString());
        assertEquals("0.000000000001", PicoUsd.usd(1).toPlainString());
    }

    @Test
    void roundsHalfUpAtThePicoDollar() {
        assertEquals(1L, PicoUsd.of(new BigDecimal("0.0000000000005")));
        assertEquals(0L, PicoUsd.of(new BigDecimal("0.00000000000049")));
        assertEquals(3L, PicoUsd.of(new BigDecimal("0.0000000000025")));
    }

    @Test
    void sumsOfManyAnswersStayExactWhereDoublesDrift() {
        // One token of text-embedding-3-large (0.13 USD per million), counted ten million times: exactly 1.3 USD.
        BigDecimal oneToken = new Price(new BigDecimal("0.13"), java.time.LocalDate.of(2026, 12, 6)).cost(1);
        long pico = 0;
        double dollars = 0;
        for (int i = 0; i < 10_000_000; i++) {
            pico += PicoUsd.of(oneToken);
            dollars += oneToken.doubleValue();
        }
        assertEquals("1.3", PicoUsd.usd(pico).toPlainString());
        assertEquals(false, dollars == 1.3, "a double sum drifts: " + dollars);
    }

    @Test
    void aSumTooLargeForALongIsRefusedNotWrapped() {
        assertThrows(ArithmeticException.class, () -> PicoUsd.of(new BigDecimal("10000000")));
    }
}
