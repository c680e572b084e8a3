package io.embedgate.catalog;

import java.util.Optional;

import io.embedgate.spi.Matryoshka;
import io.embedgate.spi.ModelCapabilities;

/**
 * One way to serve a model: an instance, the model's name there, and what it can do there.
 *
 * @param shortenedByGateway present when the gateway, not the provider, shortens the model's vectors
 *                           to a requested size (a Matryoshka model on a server without a size parameter)
 * @param inputTypes         how this candidate takes {@code embedding_options.input_type}
 */
public record Candidate(ProviderInstance instance, String upstreamModel, ModelCapabilities capabilities,
        Optional<Matryoshka> shortenedByGateway, InputTypes inputTypes) {

    public Candidate(ProviderInstance instance, String upstreamModel, ModelCapabilities capabilities) {
        this(instance, upstreamModel, capabilities, Optional.empty(), InputTypes.NONE);
    }
}
