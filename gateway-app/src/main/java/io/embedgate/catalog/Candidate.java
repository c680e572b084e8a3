package io.embedgate.catalog;

import io.embedgate.spi.ModelCapabilities;

/** One way to serve a model: an instance, the model's name there, and what it can do there. */
public record Candidate(ProviderInstance instance, String upstreamModel, ModelCapabilities capabilities) {
}
