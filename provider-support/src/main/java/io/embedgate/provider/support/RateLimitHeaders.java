package io.embedgate.provider.support;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import io.embedgate.spi.EmbeddingCall;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.ProviderQuota;
import io.embedgate.spi.UpstreamException;

/**
 * A provider's rate-limit headers by name, and the reader of their values into a {@link ProviderQuota}.
 * The names are the adapter's (each provider spells them its own way); the parsing is shared. The
 * values are untrusted: a negative, oversized or non-numeric one is ignored, never an error.
 *
 * @param limitRequests     e.g. {@code x-ratelimit-limit-requests}; null when the provider sends none
 * @param remainingRequests e.g. {@code x-ratelimit-remaining-requests}
 * @param resetRequests     e.g. {@code x-ratelimit-reset-requests} (a Go duration such as {@code 6m0s}); null for none
 * @param limitTokens       e.g. {@code x-ratelimit-limit-tokens}
 * @param remainingTokens   e.g. {@code x-ratelimit-remaining-tokens}
 * @param resetTokens       e.g. {@code x-ratelimit-reset-tokens}
 */
public record RateLimitHeaders(String limitRequests, String remainingRequests, String resetRequests, String limitTokens,
        String remainingTokens, String resetTokens) {

    /** Larger counts are not believed: no provider limits a minute at a trillion requests or tokens. */
    static final long MAX_COUNT = 1_000_000_000_000L;
    /** Longer resets are not believed (the longest real window is a day). */
    static final Duration MAX_RESET = Duration.ofDays(1);

    /** The quota the headers report; {@link ProviderQuota#NONE} when they report nothing usable. */
    public ProviderQuota read(Function<String, String> headers) {
        ProviderQuota q = new ProviderQuota(allowance(headers, remainingRequests, limitRequests, resetRequests),
                allowance(headers, remainingTokens, limitTokens, resetTokens));
        return q.empty() ? ProviderQuota.NONE : q;
    }

    private static ProviderQuota.Allowance allowance(Function<String, String> headers, String remaining, String limit, String reset) {
        OptionalLong left = count(value(headers, remaining));
        if (left.isEmpty()) {
            // A limit or reset without what is left tells the router nothing it can act on.
            return ProviderQuota.Allowance.UNKNOWN;
        }
        OptionalLong max = count(value(headers, limit));
        Duration until = duration(value(headers, reset));
        return new ProviderQuota.Allowance(left, max, Optional.ofNullable(until));
    }

    private static String value(Function<String, String> headers, String name) {
        return name == null ? null : headers.apply(name);
    }

    /** A non-negative whole count, at most {@link #MAX_COUNT}; empty for anything else. */
    static OptionalLong count(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 13) {
            return OptionalLong.empty();
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            n = n * 10 + (c - '0');
        }
        return n <= MAX_COUNT ? OptionalLong.of(n) : OptionalLong.empty();
    }

    /**
     * A Go duration as OpenAI sends them: {@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 1h2m3.5s}
     * (units h, m, s, ms, us, µs, ns, each with an optional fraction); null when it is not one, or is
     * longer than {@link #MAX_RESET}.
     */
    static Duration duration(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 40) {
            return null;
        }
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        double nanos = 0;
        int i = 0;
        while (i < v.length()) {
            int start = i;
            while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                return null;
            }
            double number;
            try {
                number = Double.parseDouble(v.substring(start, i));
            } catch (NumberFormatException e) {
                return null;
            }
            int unitStart = i;
            while (i < v.length() && !Character.isDigit(v.charAt(i)) && v.charAt(i) != '.') {
                i++;
            }
            double unit = switch (v.substring(unitStart, i)) {
                case "h" -> 3600e9;
                case "m" -> 60e9;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us", "µs", "μs" -> 1e3;
                case "ns" -> 1;
                default -> -1;
            };
            if (unit < 0) {
                return null;
            }
            nanos += number * unit;
        }
        if (!Double.isFinite(nanos) || nanos > MAX_RESET.toNanos()) {
            return null;
        }
        return Duration.ofNanos((long) nanos);
    }

    /**
     * {@code wire} with these headers read on every reply: a 2xx result and an error carry the quota
     * they reported, for the router.
     */
    public HttpProviderClient.Wire on(HttpProviderClient.Wire wire) {
        HttpProviderClient.ResponseDecoder response = wire.response();
        HttpProviderClient.ErrorDecoder errors = wire.errors();
        HttpProviderClient.ResponseDecoder withQuota = new HttpProviderClient.ResponseDecoder() {

            @Override
            public EmbeddingResult decode(byte[] body, EmbeddingCall call, String provider) {
                return response.decode(body, call, provider);
            }

            @Override
            public EmbeddingResult decode(byte[] body, Function<String, String> headers, EmbeddingCall call, String provider) {
                EmbeddingResult r = response.decode(body, headers, call, provider);
                ProviderQuota q = read(headers);
                return q == ProviderQuota.NONE ? r : r.withQuota(q);
            }
        };
        HttpProviderClient.ErrorDecoder errorsWithQuota = new HttpProviderClient.ErrorDecoder() {

            @Override
            public UpstreamException decode(int status, byte[] body, Duration retryAfter, Boolean shouldRetry, String provider,
                    String apiKey) {
                return errors.decode(status, body, retryAfter, shouldRetry, provider, apiKey);
            }

            @Override
            public UpstreamException decode(int status, byte[] body, Function<String, String> headers, Duration retryAfter,
                    Boolean shouldRetry, String provider, String apiKey) {
                UpstreamException e = errors.decode(status, body, headers, retryAfter, shouldRetry, provider, apiKey);
                ProviderQuota q = read(headers);
                return q == ProviderQuota.NONE ? e : e.withQuota(q);
            }
        };
        return new HttpProviderClient.Wire(wire.path(), wire.request(), withQuota, errorsWithQuota, wire.replySize());
    }
}
