package io.embedgate.spi;

import java.util.List;
import java.util.Optional;

/**
 * One implementation per provider wire API (OpenAI, Gemini, Mistral...), registered as a CDI bean.
 * The adapter is the only place that knows a provider's wire format; the gateway only sees the
 * neutral model of this package.
 */
public interface ProviderAdapter {

    /** The {@code type} value that selects this adapter in configuration, e.g. {@code openai}. */
    String type();

    /**
     * What the adapter knows about one of its provider's models, so a catalogue entry only has to
     * name the model. Configuration may override any of it.
     */
    Optional<ModelCapabilities> knownModel(String upstreamModel);

    /** Problems that make an instance unusable (e.g. a missing API key); empty when fine. */
    default List<String> validate(InstanceSettings settings) {
        return List.of();
    }

    /** Builds the client of one configured provider instance. Called once per instance at start-up. */
    ProviderClient connect(InstanceSettings settings);
}
