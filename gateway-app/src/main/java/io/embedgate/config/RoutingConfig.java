package io.embedgate.config;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.WithDefault;

/** Routing defaults: deadlines, retries, circuit breakers, provider rate limits ({@code gateway.routing.*}). */
public interface RoutingConfig {

    /** Overall deadline of a request, all upstream calls included ({@code orq.timeout.call_timeout} overrides it). */
    @WithDefault("60s")
    Duration timeout();

    /** Upper bound for {@code orq.timeout.call_timeout}. */
    @WithDefault("10m")
    Duration maxTimeout();

    Retry retry();

    CircuitBreaker circuitBreaker();

    /** Whether {@code orq.fallbacks} may name another model at all (only ever one of the same size). */
    @WithDefault("true")
    boolean allowCrossModelFallback();

    /** Whether {@code orq.load_balancer} may mix models (of the same size); off, as it scatters one index over vector spaces. */
    @WithDefault("false")
    boolean allowMixedLoadBalancing();

    /**
     * Whether the router follows what providers report of their rate limits (the
     * {@code x-ratelimit-*} headers, and a 429's retry-after): an instance known to be exhausted is
     * not called until its estimated refill. Configured {@code requests-per-minute} and
     * {@code tokens-per-minute} apply either way.
     */
    @WithDefault("true")
    boolean followProviderRateLimits();

    interface Retry {

        /** Retries per upstream call when the request sets none. */
        @WithDefault("2")
        int count();

        /** Upper bound for {@code orq.retry.count}. */
        @WithDefault("10")
        int maxCount();

        @WithDefault("429,500,502,503,504")
        List<Integer> onCodes();

        /** First backoff; doubles per retry, with full jitter. */
        @WithDefault("100ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();

        /** A provider asking to wait longer than this is not retried (the next instance is tried). */
        @WithDefault("20s")
        Duration maxRetryAfter();
    }

    interface CircuitBreaker {

        /** Calls the window must hold before a failure may open the breaker. */
        @WithDefault("10")
        int requestVolume();

        /** Share of failed calls in the window at or above which a failure opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** The recent stretch of time whose outcomes the breaker judges; older ones no longer count. */
        @WithDefault("30s")
        Duration window();

        /** How long an open breaker refuses calls before it lets probes through. */
        @WithDefault("10s")
        Duration delay();

        /** Successful probes that close a half-open breaker; also the most probes at once. */
        @WithDefault("2")
        int successThreshold();
    }
}
