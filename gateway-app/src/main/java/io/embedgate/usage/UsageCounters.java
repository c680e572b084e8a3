package io.embedgate.usage;

import java.math.BigDecimal;

/**
 * What a key's answers counted for one model on one day (or a sum of such): requests, inputs,
 * tokens sent upstream, tokens served from the cache, and their cost in pico-USD. {@code priced} is
 * false while no answer had a list price: the cost is then unknown (absent), not zero.
 */
public record UsageCounters(long requests, long inputs, long tokens, long cachedTokens, boolean priced, long costPico,
        long costSavedPico) {

    public static final UsageCounters ZERO = new UsageCounters(0, 0, 0, 0, false, 0, 0);

    public UsageCounters plus(UsageCounters o) {
        return new UsageCounters(requests + o.requests, inputs + o.inputs, tokens + o.tokens, cachedTokens + o.cachedTokens,
                priced || o.priced, costPico + o.costPico, costSavedPico + o.costSavedPico);
    }

    /** USD at the list price; null when no answer had a price. */
    public BigDecimal cost() {
        return priced ? PicoUsd.usd(costPico) : null;
    }

    /** USD the inputs served from the cache would have cost; null when no answer had a price. */
    public BigDecimal costSaved() {
        return priced ? PicoUsd.usd(costSavedPico) : null;
    }

    /** Nothing counted at all (a drained cell with no new answer). */
    boolean isEmpty() {
        return requests == 0 && inputs == 0 && tokens == 0 && cachedTokens == 0 && costPico == 0 && costSavedPico == 0;
    }
}
