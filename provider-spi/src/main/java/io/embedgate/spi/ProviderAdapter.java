package io.embedgate.spi;

import java.util.List;
import java.util.Map;
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

    /**
     * Checks this provider's own {@code embedding_options.<type>} object (plain JSON values). Called
     * for every request that carries it, whichever provider ends up serving the request.
     */
    default List<OptionProblem> validateOptions(Map<String, Object> options) {
        return options.isEmpty() ? List.of()
                : List.of(new OptionProblem(options.keySet().iterator().next(),
                        "provider type '" + type() + "' takes no embedding_options"));
    }

    /**
     * The option that sets the output size (e.g. Gemini's {@code output_dimensionality}). The gateway
     * folds it into {@link EmbeddingCall#dimensions()}, so adapters read the size from one place.
     */
    default Optional<String> dimensionsOption() {
        return Optional.empty();
    }

    /** The option that selects the output element type (e.g. Mistral's {@code output_dtype}); folded into {@link EmbeddingCall#dtype()}. */
    default Optional<String> dtypeOption() {
        return Optional.empty();
    }

    /** Problems that make an instance unusable (e.g. a missing API key); empty when fine. */
    default List<String> validate(InstanceSettings settings) {
        return List.of();
    }

    /** Builds the client of one configured provider instance. Called once per instance at start-up. */
    ProviderClient connect(InstanceSettings settings);
}
