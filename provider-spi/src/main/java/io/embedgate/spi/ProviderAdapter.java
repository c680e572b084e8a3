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
     * name the model. Configuration may override any of it. By default the model's entry in
     * {@link #knownModels()}; an adapter that also knows models by a pattern or an alias overrides it.
     */
    default Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return Optional.ofNullable(knownModels().get(upstreamModel));
    }

    /** Every model the adapter knows by name, for the documentation; {@link #knownModel(String)} agrees with it. */
    default Map<String, ModelCapabilities> knownModels() {
        return Map.of();
    }

    /** One line for the documentation: the provider and the API the adapter speaks, e.g. "Cohere v2 POST /v2/embed". */
    default String describe() {
        return type();
    }

    /**
     * What the adapter knows about a model at one configured instance: an instance may bring its own
     * catalogue (an OpenAI-compatible host's preset). By default the type's {@link #knownModel(String)}.
     */
    default Optional<ModelCapabilities> knownModel(InstanceSettings instance, String upstreamModel) {
        return knownModel(upstreamModel);
    }

    /**
     * The instance's cap on inputs per call for a model it does not know (the catalogue gives that
     * model's size): a host's documented batch limit, e.g. TEI's {@code --max-client-batch-size}. Empty
     * for the gateway's default (2048); a catalogue entry's {@code max-inputs-per-call} wins.
     */
    default java.util.OptionalInt maxInputsPerCall(InstanceSettings instance) {
        return java.util.OptionalInt.empty();
    }

    /**
     * This provider's own options ({@code embedding_options.<type>}), declared as data: validation,
     * the OpenAPI schema and the docs page come from this list.
     */
    default List<OptionSpec> options() {
        return List.of();
    }

    /**
     * Checks this provider's own {@code embedding_options.<type>} object (plain JSON values). Called
     * for every request that carries it, whichever provider ends up serving the request. By default
     * against {@link #options()}; adapters add rules that span several options.
     */
    default List<OptionProblem> validateOptions(Map<String, Object> given) {
        return OptionSpec.validate(options(), given);
    }

    /**
     * The option that sets the output size (e.g. Gemini's {@code output_dimensionality}). The gateway
     * folds it into {@link EmbeddingCall#dimensions()}, so adapters read the size from one place.
     */
    default Optional<String> dimensionsOption() {
        return folding(OptionSpec.Fold.DIMENSIONS);
    }

    /** The option that selects the output element type (e.g. Mistral's {@code output_dtype}); folded into {@link EmbeddingCall#dtype()}. */
    default Optional<String> dtypeOption() {
        return folding(OptionSpec.Fold.DTYPE);
    }

    /**
     * The option that says what a text is for (Cohere's {@code input_type}, Jina's {@code task}); the
     * gateway sets it from {@code embedding_options.input_type} through {@link #inputTypeValue}.
     */
    default Optional<String> inputTypeOption() {
        return folding(OptionSpec.Fold.INPUT_TYPE);
    }

    /**
     * The value of {@link #inputTypeOption()} for the gateway's input type on a model; empty when the
     * provider has no equivalent (its own default then applies).
     */
    default Optional<String> inputTypeValue(InputType type, String upstreamModel) {
        return Optional.empty();
    }

    /**
     * {@link #inputTypeValue(InputType, String)} at one configured instance, for types whose instances
     * differ (an OpenAI-compatible host's preset decides whether it takes an input type at all).
     */
    default Optional<String> inputTypeValue(InstanceSettings instance, InputType type, String upstreamModel) {
        return inputTypeValue(type, upstreamModel);
    }

    private Optional<String> folding(OptionSpec.Fold fold) {
        return options().stream().filter(o -> o.fold() == fold).map(OptionSpec::name).findFirst();
    }

    /** Problems that make an instance unusable (e.g. a missing API key); empty when fine. */
    default List<String> validate(InstanceSettings settings) {
        return List.of();
    }

    /** Builds the client of one configured provider instance. Called once per instance at start-up. */
    ProviderClient connect(InstanceSettings settings);
}
