package io.embedgate.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money in the ledger: whole pico-USD (10^-12 USD) in a {@code long}, so that sums stay exact in
 * process and in Redis ({@code HINCRBY} adds integers; floats would drift). A price of 0.02 USD per
 * million tokens is 20,000 pico-USD a token. A long holds up to about 9.2 million USD per key,
 * model and day.
 */
public final class PicoUsd {

    private static final int SCALE = 12;

    private PicoUsd() {
    }

    /** USD to pico-USD, half up at the 12th decimal. */
    public static long of(BigDecimal usd) {
        return usd.movePointRight(SCALE).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Pico-USD to USD, without trailing zeros ({@code 800000} is {@code 0.0000008}). */
    public static BigDecimal usd(long pico) {
        return BigDecimal.valueOf(pico, SCALE).stripTrailingZeros();
    }
}
