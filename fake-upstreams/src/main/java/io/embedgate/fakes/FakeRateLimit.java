package io.embedgate.fakes;

import java.time.Duration;

/**
 * A provider's request and token limits as a fake enforces them: one fixed window (a minute, or
 * shorter for tests), counted per answer, full again when the window ends. What each answer
 * reports comes from here, in the provider's own header names (each fake spells them).
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
