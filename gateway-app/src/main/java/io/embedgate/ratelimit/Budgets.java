package io.embedgate.ratelimit;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A gateway key's budgets: tokens and USD (at the models' list prices) per UTC day and per UTC month.
 * What the key spent is counted after each answer (tokens sent upstream and their cost; cached inputs
 * cost nothing); a request is refused once a budget is used up, until it resets.
 */
public record Budgets(OptionalLong tokensPerDay, OptionalLong tokensPerMonth, Optional<BigDecimal> usdPerDay,
        Optional<BigDecimal> usdPerMonth) {

    public static final Budgets NONE = new Budgets(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty());

    /** The period a budget counts in. */
    public enum Period {

        DAY, MONTH;

        /** The period's name in counter keys, e.g. {@code d:2026-12-06}, {@code m:2026-12}. */
        String id(LocalDate today) {
            return this == DAY ? "d:" + today : "m:" + today.toString().substring(0, 7);
        }

        /** When the period containing {@code today} ends (UTC). */
        LocalDate resets(LocalDate today) {
            return this == DAY ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
        }
    }

    /** One budget: its period, what it counts ({@code tokens} or {@code usd}) and its limit. */
    public record Limit(Period period, String unit, BigDecimal limit) {

        /** For a message: "daily token budget (100000)". */
        String describe() {
            return (period == Period.DAY ? "daily " : "monthly ") + (unit.equals("usd") ? "USD" : "token") + " budget ("
                    + limit.toPlainString() + (unit.equals("usd") ? " USD" : " tokens") + ")";
        }
    }

    public boolean none() {
        return tokensPerDay.isEmpty() && tokensPerMonth.isEmpty() && usdPerDay.isEmpty() && usdPerMonth.isEmpty();
    }

    public List<Limit> limits() {
        List<Limit> out = new ArrayList<>(4);
        tokensPerDay.ifPresent(l -> out.add(new Limit(Period.DAY, "tokens", BigDecimal.valueOf(l))));
        tokensPerMonth.ifPresent(l -> out.add(new Limit(Period.MONTH, "tokens", BigDecimal.valueOf(l))));
        usdPerDay.ifPresent(l -> out.add(new Limit(Period.DAY, "usd", l)));
        usdPerMonth.ifPresent(l -> out.add(new Limit(Period.MONTH, "usd", l)));
        return out;
    }

    static LocalDate today(long epochMillis) {
        return java.time.Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
    }
}
