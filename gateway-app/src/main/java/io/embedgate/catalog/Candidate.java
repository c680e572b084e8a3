package io.embedgate.catalog;

import java.util.Map;
import java.util.Optional;

import io.embedgate.spi.InputType;
import io.embedgate.spi.Matryoshka;
import io.embedgate.spi.ModelCapabilities;

/**
 * One way to serve a model: an instance, the model's name there, and what it can do there.
 *
 * @param shortenedByGateway present when the gateway, not the provider, shortens the model's vectors
 *                           to a requested size (a Matryoshka model on a server without a size parameter)
 * @param inputPrefixes      the model's text prefixes by input type, when this provider has no input-type
 *                           option of its own (never both: a doubled prompt hurts quality)
 */
public record Candidate(ProviderInstance instance, String upstreamModel, ModelCapabilities capabilities,
        Optional<Matryoshka> shortenedByGateway, Map<InputType, String> inputPrefixes) {

    public Candidate(ProviderInstance instance, String upstreamModel, ModelCapabilities capabilities) {
        this(instance, upstreamModel, capabilities, Optional.empty(), Map.of());
    }
}
