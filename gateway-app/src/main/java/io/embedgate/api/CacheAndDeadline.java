package io.embedgate.api;

import java.time.Duration;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.embedgate.config.GatewayConfig;
import io.embedgate.spi.Deadline;

/** The request's own cache use and time budget ({@code orq.cache}, {@code orq.timeout}), within the deployment's bounds. */
@Singleton
final class CacheAndDeadline {

    /** 30 days. */
    static final long MAX_CACHE_TTL_SECONDS = 2_592_000L;

    private final GatewayConfig config;

    @Inject
    CacheAndDeadline(GatewayConfig config) {
        this.config = config;
    }

    /** {@code orq.cache} turns the cache on for this request; otherwise the deployment's default applies. */
    Optional<Duration> cacheTtl(RoutingFields.Orq orq) {
        RoutingFields.CacheOption cache = orq == null ? null : orq.cache();
        if (cache == null) {
            return config.cache().enabledByDefault() ? Optional.of(config.cache().defaultTtl()) : Optional.empty();
        }
        if (!"exact_match".equals(cache.type())) {
            throw ApiException.invalid("orq.cache.type", "orq.cache.type must be 'exact_match'.");
        }
        if (cache.ttl() != null && (cache.ttl() < 1 || cache.ttl() > MAX_CACHE_TTL_SECONDS)) {
            throw ApiException.invalid("orq.cache.ttl", "orq.cache.ttl must be between 1 and " + MAX_CACHE_TTL_SECONDS + " seconds.");
        }
        return Optional.of(cache.ttl() == null ? config.cache().defaultTtl() : Duration.ofSeconds(cache.ttl()));
    }

    /** From now: {@code orq.timeout.call_timeout}, else the deployment's timeout. */
    Deadline deadline(RoutingFields.Orq orq) {
        RoutingFields.TimeoutOption t = orq == null ? null : orq.timeout();
        return Deadline.after(timeout(t));
    }

    private Duration timeout(RoutingFields.TimeoutOption t) {
        if (t == null || t.callTimeout() == null) {
            return config.routing().timeout();
        }
        long max = config.routing().maxTimeout().toMillis();
        if (t.callTimeout() < 1 || t.callTimeout() > max) {
            throw ApiException.invalid("orq.timeout.call_timeout", "orq.timeout.call_timeout must be between 1 and " + max + " ms.");
        }
        return Duration.ofMillis(t.callTimeout());
    }
}
