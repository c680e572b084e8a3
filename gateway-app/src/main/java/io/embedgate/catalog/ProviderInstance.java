package io.embedgate.catalog;

import java.util.OptionalInt;

import io.embedgate.spi.ProviderClient;

/**
 * A configured, connected provider instance.
 *
 * @param maxConcurrentCalls how many of one request's calls may be in flight at this instance at once
 * @param requestsPerMinute  the configured limit of requests a minute from this process, if any
 * @param tokensPerMinute    the configured limit of tokens a minute from this process, if any
 */
public record ProviderInstance(String name, String type, boolean alpha, double weight, int priority, int maxConcurrentCalls,
        ProviderClient client, OptionalInt requestsPerMinute, OptionalInt tokensPerMinute) {

    public ProviderInstance {
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException(name + ": max-concurrent-calls must be at least 1");
        }
        requestsPerMinute = requestsPerMinute == null ? OptionalInt.empty() : requestsPerMinute;
        tokensPerMinute = tokensPerMinute == null ? OptionalInt.empty() : tokensPerMinute;
        if (requestsPerMinute.orElse(1) < 1 || tokensPerMinute.orElse(1) < 1) {
            throw new IllegalArgumentException(name + ": requests-per-minute and tokens-per-minute must be at least 1");
        }
    }

    /** An instance without configured rate limits. */
    public ProviderInstance(String name, String type, boolean alpha, double weight, int priority, int maxConcurrentCalls,
            ProviderClient client) {
        this(name, type, alpha, weight, priority, maxConcurrentCalls, client, OptionalInt.empty(), OptionalInt.empty());
    }

    /** An instance that sends a request's calls all at once (tests). */
    public ProviderInstance(String name, String type, boolean alpha, double weight, int priority, ProviderClient client) {
        this(name, type, alpha, weight, priority, Integer.MAX_VALUE, client);
    }
}
