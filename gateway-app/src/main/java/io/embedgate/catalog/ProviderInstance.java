package io.embedgate.catalog;

import io.embedgate.spi.ProviderClient;

/**
 * A configured, connected provider instance.
 *
 * @param maxConcurrentCalls how many of one request's calls may be in flight at this instance at once
 */
public record ProviderInstance(String name, String type, boolean alpha, double weight, int priority, int maxConcurrentCalls,
        ProviderClient client) {

    public ProviderInstance {
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException(name + ": max-concurrent-calls must be at least 1");
        }
    }

    /** An instance that sends a request's calls all at once (tests). */
    public ProviderInstance(String name, String type, boolean alpha, double weight, int priority, ProviderClient client) {
        this(name, type, alpha, weight, priority, Integer.MAX_VALUE, client);
    }
}
