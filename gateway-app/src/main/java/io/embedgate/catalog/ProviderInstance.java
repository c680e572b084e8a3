package io.embedgate.catalog;

import io.embedgate.spi.ProviderClient;

/** A configured, connected provider instance. */
public record ProviderInstance(String name, String type, boolean alpha, double weight, int priority, ProviderClient client) {
}
