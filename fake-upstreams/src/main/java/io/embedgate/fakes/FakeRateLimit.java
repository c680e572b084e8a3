package io.embedgate.fakes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A provider's request and token limits as a fake enforces them: one fixed window (a minute, or
 * shorter for tests), counted per answer, full again when the window ends. What each answer
 * reports, and the headers of the 429 beyond a limit, are written here by {@link Headers}: the
 * providers send the same few numbers under their own names, so each fake only spells the names.
 */
public final class FakeRateLimit {

    /** What one request found: whether it was let through, and what is left afterwards. */
    public record Taken(boolean allowed, boolean requestsExceeded, long limitRequests, long remainingRequests, long limitTokens,
            long remainingTokens, long usedTokens, Duration reset) {

        /** The reset as a Go duration, as OpenAI sends it: {@code 20ms}, {@code 1s}, {@code 6m0s}. */
        public String resetText() {
            return goDuration(reset);
        }

        /** The reset in whole seconds, rounded up: a 429's {@code retry-after}. */
        public long resetSeconds() {
            return Math.max(1, (reset.toMillis() + 999) / 1000);
        }
    }

    /** Which retry headers a provider's 429 carries, after what is left. */
    enum RetryAfter {
        /** None (a provider that sends none, or a switch that leaves it out). */
        NONE,
        /** {@code retry-after} in whole seconds, rounded up. */
        SECONDS,
        /** {@code retry-after} in seconds and {@code retry-after-ms}, as Azure sends them. */
        SECONDS_AND_MILLIS
    }

    /**
     * The headers one provider reports a window in: each of its names with the value it carries, in
     * the order the provider sends them (built with {@link #headers()}, one call a header).
     */
    static final class Headers {

        private final List<Map.Entry<String, Function<Taken, String>>> named;

        private Headers(List<Map.Entry<String, Function<Taken, String>>> named) {
            this.named = named;
        }

        Headers limitRequests(String name) {
            return with(name, t -> Long.toString(t.limitRequests()));
        }

        Headers limitTokens(String name) {
            return with(name, t -> Long.toString(t.limitTokens()));
        }

        Headers remainingRequests(String name) {
            return with(name, t -> Long.toString(t.remainingRequests()));
        }

        Headers remainingTokens(String name) {
            return with(name, t -> Long.toString(t.remainingTokens()));
        }

        /** The window's reset as a Go duration ({@link Taken#resetText}). */
        Headers reset(String name) {
            return with(name, Taken::resetText);
        }

        private Headers with(String name, Function<Taken, String> value) {
            List<Map.Entry<String, Function<Taken, String>>> more = new ArrayList<>(named);
            more.add(Map.entry(name, value));
            return new Headers(List.copyOf(more));
        }

        /** Writes what {@code t} left into an answer's headers; a header already there keeps its place. */
        void report(Taken t, Map<String, String> into) {
            for (Map.Entry<String, Function<Taken, String>> header : named) {
                into.put(header.getKey(), header.getValue().apply(t));
            }
        }

        /** The headers of the 429 for a request beyond a limit: {@code base}, what is left, then {@code retry}. */
        Map<String, String> refusal(Taken t, Map<String, String> base, RetryAfter retry) {
            Map<String, String> h = new LinkedHashMap<>(base);
            report(t, h);
            if (retry != RetryAfter.NONE) {
                h.put("retry-after", Long.toString(t.resetSeconds()));
            }
            if (retry == RetryAfter.SECONDS_AND_MILLIS) {
                h.put("retry-after-ms", Long.toString(t.reset().toMillis()));
            }
            return h;
        }
    }

    /** No header yet: a provider's names are added to this. */
    static Headers headers() {
        return new Headers(List.of());
    }

    private final long requests;
    private final long tokens;
    private final long windowNanos;
    private long windowStart;
    private boolean started;
    private long usedRequests;
    private long usedTokens;

    /**
     * @param requestsPerWindow requests let through per window
     * @param tokensPerWindow   tokens let through per window
     * @param window            a minute at the providers; shorter in tests
     */
    public FakeRateLimit(long requestsPerWindow, long tokensPerWindow, Duration window) {
        this.requests = requestsPerWindow;
        this.tokens = tokensPerWindow;
        this.windowNanos = window.toNanos();
    }

    /** Counts a request of {@code cost} tokens, unless it would exceed a limit (then nothing is counted). */
    public synchronized Taken take(long cost) {
        long now = System.nanoTime();
        if (!started || now - windowStart >= windowNanos) {
            started = true;
            windowStart = now;
            usedRequests = 0;
            usedTokens = 0;
        }
        boolean requestsOver = usedRequests + 1 > requests;
        boolean allowed = !requestsOver && usedTokens + cost <= tokens;
        if (allowed) {
            usedRequests++;
            usedTokens += cost;
        }
        Duration reset = Duration.ofNanos(Math.max(0, windowStart + windowNanos - now));
        return new Taken(allowed, requestsOver, requests, requests - usedRequests, tokens, tokens - usedTokens, usedTokens, reset);
    }

    /** Go's {@code time.Duration.String()} for the ranges providers send: {@code 850ms}, {@code 1s}, {@code 6m0s}, {@code 1h2m3.5s}. */
    static String goDuration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms == 0 && d.isZero() ? "0s" : Math.max(1, ms) + "ms";
        }
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        double seconds = ms % 60_000 / 1000.0;
        String s = seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
        StringBuilder b = new StringBuilder();
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        return b.append(s).append('s').toString();
    }
}
