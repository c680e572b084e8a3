package io.embedgate.ratelimit;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** What the keys spent per day and month in this process: without Redis, and while it is unreachable. */
final class LocalBudgets {

    private record Spent(long tokens, BigDecimal usd) {
    }

    private final ConcurrentHashMap<String, Spent> spent = new ConcurrentHashMap<>();

    /** The first budget that is used up, or null. */
    Admission check(String keyId, List<Budgets.Limit> budgets, LocalDate today) {
        for (Budgets.Limit b : budgets) {
            Spent s = spent.getOrDefault(keyId + ":" + b.period().id(today), new Spent(0, BigDecimal.ZERO));
            BigDecimal used = b.unit().equals("usd") ? s.usd() : BigDecimal.valueOf(s.tokens());
            if (used.compareTo(b.limit()) >= 0) {
                return Admission.overBudget(b, used);
            }
        }
        return null;
    }

    void spend(String keyId, LocalDate today, long tokens, BigDecimal usd) {
        for (Budgets.Period p : Budgets.Period.values()) {
            spent.merge(keyId + ":" + p.id(today), new Spent(tokens, usd == null ? BigDecimal.ZERO : usd),
                    (a, b) -> new Spent(a.tokens() + b.tokens(), a.usd().add(b.usd())));
        }
        // Periods that are over are of no use: keep the map to the current day and month.
        spent.keySet().removeIf(k -> !k.endsWith(Budgets.Period.DAY.id(today)) && !k.endsWith(Budgets.Period.MONTH.id(today)));
    }
}
