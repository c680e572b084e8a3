package io.embedgate.ratelimit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rate-limit decision: admitted or not, how long until it would be, and per dimension what is left
 * ({@code remaining}, {@code limit}), for the OpenAI-style headers every response carries.
 *
 * @param waitMillis how long until the request would be admitted (0 when it is)
 * @param remaining  per dimension (in {@link Rates#dimensions} order), what is left after this request
 * @param exhausted  the budget that is used up, when that is why the request is refused; else null
 * @param spent      what that budget's period has spent so far
 */
public record Admission(boolean allowed, long waitMillis, List<Rates.Dimension> dimensions, double[] remaining, Budgets.Limit exhausted,
        java.math.BigDecimal spent) {

    /** A rate-limit decision. */
    public Admission(boolean allowed, long waitMillis, List<Rates.Dimension> dimensions, double[] remaining) {
        this(allowed, waitMillis, dimensions, remaining, null, null);
    }

    /** A refusal because a budget is used up (no bucket was looked at, let alone charged). */
    static Admission overBudget(Budgets.Limit exhausted, java.math.BigDecimal spent) {
        return new Admission(false, 0, List.of(), new double[0], exhausted, spent);
    }

    /**
     * {@code x-ratelimit-limit-<d>}, {@code x-ratelimit-remaining-<d>}, {@code x-ratelimit-reset-<d>}
     * for requests and tokens (OpenAI's names, which SDKs and dashboards read), and the same with
     * {@code x-embedgate-ratelimit-} for inputs, which OpenAI has no header for.
     */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < dimensions.size(); i++) {
            Rates.Dimension d = dimensions.get(i);
            String prefix = d.name().equals("inputs") ? "x-embedgate-ratelimit-" : "x-ratelimit-";
            double left = Math.max(0, remaining[i]);
            h.put(prefix + "limit-" + d.name(), Long.toString(d.limit()));
            h.put(prefix + "remaining-" + d.name(), Long.toString((long) Math.floor(left)));
            // Until the bucket is full again: one minute's worth refills in one minute.
            h.put(prefix + "reset-" + d.name(), duration((long) Math.ceil((d.limit() - left) * 60_000.0 / d.limit())));
        }
        if (exhausted != null) {
            // Waiting a few seconds will not help: the OpenAI SDKs honour this and do not retry.
            h.put("x-should-retry", "false");
        } else if (!allowed) {
            h.put("retry-after", Long.toString(Math.max(1, (waitMillis + 999) / 1000)));
            h.put("retry-after-ms", Long.toString(Math.max(1, waitMillis)));
        }
        return h;
    }

    /** OpenAI's duration format: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
    static String duration(long millis) {
        if (millis < 1000) {
            return Math.max(0, millis) + "ms";
        }
        if (millis < 60_000) {
            String s = String.valueOf(millis / 1000.0);
            return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "s";
        }
        return millis / 60_000 + "m" + (millis % 60_000) / 1000 + "s";
    }
}
