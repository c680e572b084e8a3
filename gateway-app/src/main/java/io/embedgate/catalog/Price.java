package io.embedgate.catalog;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A model's list price: USD per million input tokens, and the day it was taken from the provider's
 * pricing page (prices change; the date says how old the figure is). Costs are exact decimals: no
 * float rounding in what a team is billed.
 */
public record Price(BigDecimal usdPerMillionTokens, LocalDate asOf) {

    public Price {
        if (usdPerMillionTokens.signum() < 0) {
            throw new IllegalArgumentException("a price cannot be negative");
        }
    }

    /** What {@code tokens} cost, in USD. */
    public BigDecimal cost(long tokens) {
        return usdPerMillionTokens.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6).stripTrailingZeros();
    }

    /** The price configured for a model ({@code price-per-million-tokens} and {@code price-as-of}), if any. */
    static Optional<Price> of(String key, Optional<String> perMillion, Optional<String> asOf) {
        if (perMillion.isEmpty() || perMillion.get().isBlank()) {
            return Optional.empty();
        }
        BigDecimal usd;
        try {
            usd = new BigDecimal(perMillion.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(key + ".price-per-million-tokens=" + perMillion.get() + " is not a number of USD");
        }
        if (usd.signum() < 0) {
            throw new IllegalStateException(key + ".price-per-million-tokens cannot be negative");
        }
        if (asOf.isEmpty() || asOf.get().isBlank()) {
            throw new IllegalStateException(key + ".price-as-of is required with a price: the day it was taken (YYYY-MM-DD)");
        }
        try {
            return Optional.of(new Price(usd, LocalDate.parse(asOf.get().trim())));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalStateException(key + ".price-as-of=" + asOf.get() + " is not a date (YYYY-MM-DD)");
        }
    }
}
